"""Every language, complete: each catalogue of the core and of every plugin, in every
language the app offers, holds every message its sources use, translated, none fuzzy, with
its placeholders, its HTML and the plural forms its language needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from kanban.config import DefaultConfig
from tests.core.test_translations import KEYWORDS, catalogue_problems, read_catalogue

ROOT = Path(__file__).resolve().parents[2]
# The core and each plugin: its sources and its translations folder.
DOMAINS = {
    "core": (ROOT, ROOT / "babel.cfg", ROOT / "kanban" / "translations"),
    **{
        folder.name: (folder, folder / "babel.cfg", folder / "translations")
        for folder in sorted((ROOT / "plugins").iterdir()) if (folder / "babel.cfg").exists()
    },
}
TRANSLATED = [code for code in DefaultConfig.LANGUAGES if code != "en"]
CATALOGUES = [(domain, language) for domain in DOMAINS for language in TRANSLATED]
TAG = re.compile(r"</?[a-z][^>]*>")
# gettext's plural forms of each language: Russian counts one, few and many (1 лид, 2 лида,
# 5 лидов); the others one and other.
PLURAL_FORMS = {"pt": 2, "it": 2, "es": 2, "ru": 3}


def catalogue_path(domain: str, language: str) -> Path:
    return DOMAINS[domain][2] / language / "LC_MESSAGES" / "messages.po"


def extracted(domain: str) -> dict[str, str]:
    """Every message the domain's sources use, as its babel.cfg extracts them."""
    sources, config, _translations = DOMAINS[domain]
    with config.open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        sources, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_the_app_offers_five_languages():
    assert DefaultConfig.LANGUAGES == ["en", "pt", "it", "es", "ru"]


@pytest.mark.parametrize(("domain", "language"), CATALOGUES)
def test_every_catalogue_exists(domain, language):
    assert catalogue_path(domain, language).exists()


@pytest.mark.parametrize(("domain", "language"), CATALOGUES)
def test_every_message_is_translated_none_fuzzy_placeholders_kept(domain, language):
    assert catalogue_problems(read_catalogue(catalogue_path(domain, language))) == []


@pytest.mark.parametrize(("domain", "language"), CATALOGUES)
def test_every_catalogue_holds_every_message_its_sources_use(domain, language):
    catalog = read_catalogue(catalogue_path(domain, language))
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog}
    missing = {msgid: where for msgid, where in extracted(domain).items() if msgid not in known}
    assert missing == {}, "run pybabel extract and update (see the README), then translate"


@pytest.mark.parametrize(("domain", "language"), CATALOGUES)
def test_plural_forms_are_the_languages_own(domain, language):
    catalog = read_catalogue(catalogue_path(domain, language))
    forms = PLURAL_FORMS[language]
    assert catalog.num_plurals == forms
    for message in catalog:
        if isinstance(message.id, tuple):
            assert len(message.string) == forms and all(message.string), message.id


@pytest.mark.parametrize(("domain", "language"), CATALOGUES)
def test_translations_keep_the_html_of_their_message(domain, language):
    catalog = read_catalogue(catalogue_path(domain, language))
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(ids[0])), ids[0]


def test_russian_counts_speak_in_three_forms():
    from babel.support import Translations

    from kanban.app import PROJECT_ROOT

    catalog = Translations.load(str(PROJECT_ROOT / "kanban" / "translations"), ["ru"])
    words = {n: catalog.ngettext("%(num)d lead", "%(num)d leads", n) % {"num": n}
             for n in (1, 3, 5, 21)}
    assert len({text.split()[1] for text in words.values()}) == 3, words
