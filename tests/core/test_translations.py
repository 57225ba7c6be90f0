"""The core's catalogues: Portuguese complete and up to date, and pages that speak it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from kanban.services.leads import close_lead
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "kanban" / "translations"
PT_PO = CATALOGUES / "pt" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def catalogue_problems(catalog: Catalog) -> list[str]:
    """List untranslated and fuzzy entries and translations that lose or invent a placeholder."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        for index, string in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            if not string:
                problems.append(f"untranslated: {source!r}")
            elif placeholders(string) != placeholders(source):
                problems.append(f"placeholders differ: {source!r} -> {string!r}")
    return problems


def extracted_messages() -> dict[str, str]:
    """Extract every message of the core as babel.cfg says; map msgid to where it is."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


# The catalogue itself -------------------------------------------------------------------


def test_portuguese_catalogue_is_complete_with_every_placeholder_kept():
    assert catalogue_problems(read_catalogue(PT_PO)) == []


def test_portuguese_catalogue_has_two_plural_forms():
    catalog = read_catalogue(PT_PO)
    assert catalog.locale.language == "pt"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    plurals = [m for m in catalog if isinstance(m.id, tuple)]
    assert plurals and all(len(m.string) == 2 for m in plurals)


def test_the_check_reports_untranslated_fuzzy_and_lost_placeholders():
    catalog = Catalog(locale="pt")
    catalog.add("Board", "Quadro")
    catalog.add("Moved to %(stage)s.", "Movido para %(stage)s.")
    catalog.add("Save", "")
    catalog.add("Next: %(date)s", "Próxima", flags=["fuzzy"])
    catalog.add("Delete %(name)s", "Eliminar %(nome)s")
    catalog.add(("%(num)d lead", "%(num)d leads"), ("%(num)d lead", "leads"))
    assert catalogue_problems(catalog) == [
        "untranslated: 'Save'",
        "fuzzy: 'Next: %(date)s'",
        "placeholders differ: 'Next: %(date)s' -> 'Próxima'",
        "placeholders differ: 'Delete %(name)s' -> 'Eliminar %(nome)s'",
        "placeholders differ: '%(num)d leads' -> 'leads'",
    ]


def test_extraction_covers_the_core_python_and_templates_only():
    folders = {where.split("/", 1)[0] for where in extracted_messages().values()}
    assert folders == {"kanban", "templates"}


@pytest.mark.parametrize("path", [
    "messages.pot", "pt/LC_MESSAGES/messages.po", "en/LC_MESSAGES/messages.po",
])
def test_catalogue_holds_every_message_the_sources_use(path):
    catalog = read_catalogue(CATALOGUES / path)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog}
    missing = {msgid: where for msgid, where in extracted_messages().items() if msgid not in known}
    assert missing == {}, "run pybabel extract and update (see the Makefile), then translate"


@pytest.mark.parametrize("language", ["pt", "it", "es", "ru"])
def test_a_message_in_two_catalogues_reads_the_same_in_both(language):
    """The app merges the core's and every plugin's catalogue into one, so a message two of
    them hold has one translation on every page: they must agree (or say it otherwise)."""
    said: dict[str, dict[str, str]] = {}
    catalogues = [CATALOGUES, *sorted((ROOT / "plugins").glob("*/translations"))]
    for directory in catalogues:
        with open(directory / language / "LC_MESSAGES" / "messages.po", "rb") as stream:
            for message in read_po(stream):
                if message.id and isinstance(message.id, str) and message.string:
                    said.setdefault(message.id, {})[directory.parent.name] = message.string
    disagree = {msgid: by for msgid, by in said.items() if len(set(by.values())) > 1}
    assert disagree == {}


# Words that would call a lead something else than the rest of the app does.
NOT_A_LEAD = {"pt": "prospecto", "es": "prospecto"}


@pytest.mark.parametrize("language", sorted(NOT_A_LEAD))
def test_every_catalogue_calls_a_lead_by_the_same_word(language):
    odd = []
    for directory in [CATALOGUES, *sorted((ROOT / "plugins").glob("*/translations"))]:
        with open(directory / language / "LC_MESSAGES" / "messages.po", "rb") as stream:
            for message in read_po(stream):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = (message.string if isinstance(message.string, tuple)
                           else (message.string,))
                if (any(re.search(r"\blead\b", text or "", re.I)
                        and "prospect" not in (text or "") for text in ids)
                        and any(NOT_A_LEAD[language] in (text or "").lower()
                                for text in strings)):
                    odd.append((directory.parent.name, ids[0]))
    assert odd == []


# Russian calls a lead "лид" (masculine): a lead's status agrees with it wherever it shows
# alone, as a badge, a filter or a choice.
RUSSIAN_STATUS = {"Won": "Выигран", "Lost": "Проигран", "Cancelled": "Отменён"}


def test_russian_status_words_agree_with_the_word_for_a_lead():
    with open(CATALOGUES / "ru" / "LC_MESSAGES" / "messages.po", "rb") as stream:
        said = {message.id: message.string for message in read_po(stream)}
    assert {status: said[status] for status in RUSSIAN_STATUS} == RUSSIAN_STATUS
    feminine = [said[msgid] for msgid in said if isinstance(said[msgid], str)
                and re.search(r"«(Выиграна|Проиграна|Отменена)»", said[msgid])]
    assert feminine == []


def translations_in(language: str) -> list[str]:
    """Every translated text of a language, the core's and every plugin's."""
    texts = []
    for directory in [CATALOGUES, *sorted((ROOT / "plugins").glob("*/translations"))]:
        with open(directory / language / "LC_MESSAGES" / "messages.po", "rb") as stream:
            for message in read_po(stream):
                if message.id:
                    strings = message.string if isinstance(message.string, tuple) else (
                        message.string,)
                    texts.extend(text for text in strings if text)
    return texts


@pytest.mark.parametrize("language", ["es", "pt", "ru"])
def test_spanish_portuguese_and_russian_quote_with_angle_quotes(language):
    assert [text for text in translations_in(language) if re.search("[“”]", text)] == []


# Spanish speaks to the reader as "tú", as Italian does with "tu": never "usted".
USTED = re.compile(r"\b(usted|[Aa]rrastre|[Rr]ecárguela|[Ii]nténtelo|[Cc]ompruebe|[Pp]onga|"
                   r"[Ee]nvíe|[Ee]lija|[Ee]scriba|[Pp]ulse|[Ii]ntroduzca|[Ss]eleccione)\b")


def test_spanish_speaks_to_the_reader_as_tu():
    assert [text for text in translations_in("es") if USTED.search(text)] == []


# Portuguese is Portugal's: the words of Brazil, and its "você", are not ours.
BRAZILIAN = re.compile(r"\b(você|vocês|tela|cadastro|cadastrar|celular|arquivo|usuário|"
                       r"usuários|equipe|contato|registrar)\b", re.IGNORECASE)


def test_portuguese_is_european_portuguese():
    assert [text for text in translations_in("pt") if BRAZILIAN.search(text)] == []


def test_the_makefiles_compile_command_builds_the_catalogues(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    arguments = re.search(r'\$\(BIN\)/pybabel ([^"]*)"\$\$dir"', makefile).group(1).split()
    pybabel = Path(sys.executable).with_name("pybabel")
    folder = tmp_path / "translations"
    shutil.copytree(CATALOGUES, folder, ignore=shutil.ignore_patterns("*.mo"))
    subprocess.run([str(pybabel), *arguments, str(folder)], check=True)
    assert Translations.load(str(folder), ["pt"]).gettext("Board") == "Quadro"
    assert Translations.load(str(folder), ["en"]).gettext("Board") == "Board"


# Pages in Portuguese ---------------------------------------------------------------------


@pytest.fixture
def app_config(app_config, tmp_path):
    """Serve catalogues compiled from the .po files as they are now, not an older build."""
    folder = tmp_path / "translations"
    for po in CATALOGUES.glob("*/LC_MESSAGES/messages.po"):
        mo = folder / po.relative_to(CATALOGUES).with_suffix(".mo")
        mo.parent.mkdir(parents=True)
        with mo.open("wb") as file:
            write_mo(file, read_catalogue(po))
    return {**app_config, "BABEL_TRANSLATION_DIRECTORIES": str(folder)}


@pytest.fixture
def pt_client(app):
    return log_in(app.test_client(), UserFactory(locale="pt", name="Joana Marques"))


def test_login_page_speaks_portuguese_to_a_portuguese_browser(client):
    page = client.get("/login", headers={"Accept-Language": "pt-PT,pt;q=0.9"}).text
    assert "Iniciar sessão no Kanban" in page
    assert "Palavra-passe" in page
    assert "Log in to Kanban" not in page


def test_login_page_stays_english_for_an_english_browser(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert "Log in to Kanban" in page
    assert "Iniciar sessão" not in page


def test_board_speaks_the_profile_language_whatever_the_browser(pt_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="Padaria Ação", value=Decimal("1500.00"))
    page = pt_client.get("/board", headers={"Accept-Language": "en"}).text
    assert 'lang="pt"' in page
    for words in ("Quadro", "Terminar sessão", "Novo lead", "Os meus leads", "Filtros"):
        assert words in page
    assert "Log out" not in page
    assert "1\xa0500,00\xa0€" in page


def test_lead_page_shows_portuguese_words_money_and_dates(pt_client, pipeline):
    lead = LeadFactory(
        stage=pipeline.stages[1], title="Renovação anual", value=Decimal("1500.00"),
        next_action_kind="standby", next_action_date=date(2099, 3, 31),
    )
    page = pt_client.get(f"/leads/{lead.id}").text
    for words in ("Próxima ação", "Histórico", "Mais ações", "Detalhes", "Responsável"):
        assert words in page
    assert "Em espera até 31/03/2099" in page
    assert "1\xa0500,00\xa0€" in page
    assert "Timeline" not in page


def test_profile_page_speaks_portuguese(pt_client):
    page = pt_client.get("/profile").text
    for words in ("O seu perfil", "Palavra-passe atual", "Nova palavra-passe", "Guardar"):
        assert words in page
    assert "Your profile" not in page


def test_money_stays_english_for_an_english_profile(app, pipeline):
    client = log_in(app.test_client(), UserFactory(locale="en"))
    lead = LeadFactory(stage=pipeline.stages[0], value=Decimal("1500.00"))
    page = client.get(f"/leads/{lead.id}", headers={"Accept-Language": "pt"}).text
    assert "€1,500.00" in page
    assert "Próxima ação" not in page


def test_lost_reasons_read_in_portuguese_but_keep_their_configured_value(pt_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    board = pt_client.get("/board").text
    lead_page = pt_client.get(f"/leads/{lead.id}").text
    assert 'value="Price"> Preço' in board
    assert '<option value="Price">Preço</option>' in lead_page
    assert not re.search(r">\s*Chose a competitor\s*<", board + lead_page)


def test_a_lost_leads_chosen_reason_reads_in_portuguese_and_the_written_one_as_typed(
    pt_client, pipeline
):
    chosen = LeadFactory(stage=pipeline.stages[0])
    own = LeadFactory(stage=pipeline.stages[0])
    close_lead(chosen, "lost", lost_reason="Price: 20% too dear", user=None)
    close_lead(own, "lost", lost_reason="Price war: <b>gone</b>", user=None)
    chosen_page = pt_client.get(f"/leads/{chosen.id}").text
    own_page = pt_client.get(f"/leads/{own.id}").text
    assert chosen_page.count("Preço: 20% too dear") == 2  # the status line and the timeline
    assert own_page.count("Price war: &lt;b&gt;gone&lt;/b&gt;") == 2


@pytest.mark.parametrize("catalogue", sorted(
    str(path.relative_to(ROOT)) for path in [*ROOT.glob("kanban/translations/**/*.po*"),
                                             *ROOT.glob("plugins/*/translations/**/*.po*")]))
def test_every_catalogue_reads_whole(catalogue):
    with open(ROOT / catalogue, "rb") as stream:
        read_po(stream, abort_invalid=True)  # a message cut short fails its whole language


# Italian elides an article before a day said with a vowel ("l'8", "dall'1"): a day put in a
# sentence comes after "giorno" ("dal giorno 1 dic"), never straight after an article.
ARTICLE_BEFORE_A_DAY = re.compile(
    r"\b(il|al|dal|del|nel|sul|all'|dall')\s*%\((date|day|first|last|when|until|since)\)s", re.I)


def test_italian_puts_no_article_straight_before_a_day():
    assert [text for text in translations_in("it") if ARTICLE_BEFORE_A_DAY.search(text)] == []
