"""Languages: the person's profile decides, else the browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import (
    Domain,
    _get_current_context,  # the request's Babel state, as Domain reads it
    force_locale,
    format_number,
    get_domain,
    get_locale,
    refresh,
)
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from kanban.extensions import babel
from kanban.outages import UNAVAILABLE_ERRORS

# Each language in its own name, as a person looks for it in a list.
LANGUAGE_NAMES = {
    "en": "English",
    "pt": "Português",
    "it": "Italiano",
    "es": "Español",
    "ru": "Русский",
}
# Babel's plain "pt" formats money and dates as in Brazil; the catalogue is Portugal's, so its
# numbers and dates are too ("1 500,00 €", "31/03/2026"), and so on for the others: Spain's
# Spanish, Italy's Italian, Russia's Russian. Translations still load from the language.
REGIONAL_LOCALES = {"pt": "pt_PT", "it": "it_IT", "es": "es_ES", "ru": "ru_RU"}
# The language a person chose on the login page, before they have a profile to keep it.
LANGUAGE_COOKIE = "kanban_language"
GROUPED = 1000  # counts from here on are written with their digits grouped


def select_locale() -> str | None:
    """Choose the page's language: the person's profile, else the one they chose on the
    login page, else the team's (``KANBAN_LANGUAGE``), else their browser's."""
    language = chosen_language()
    return REGIONAL_LOCALES.get(language, language) if language else None


def chosen_language() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if g.get("kanban_language") in languages:
        return g.kanban_language
    profile_locale = _profile_locale()
    if profile_locale in languages:
        return profile_locale
    if not request:
        return current_app.config["LANGUAGE"]
    if request.cookies.get(LANGUAGE_COOKIE) in languages:
        return request.cookies[LANGUAGE_COOKIE]
    return current_app.config["LANGUAGE"] or request.accept_languages.best_match(languages)


def team_language(app: Flask) -> str | None:
    """Check the team's language setting (``KANBAN_LANGUAGE``): one of the app's languages."""
    language = app.config.get("LANGUAGE") or None
    if language is not None and language not in app.config["LANGUAGES"]:
        known = ", ".join(app.config["LANGUAGES"])
        raise ValueError(f"KANBAN_LANGUAGE must be one of {known}, not {language!r}")
    return language


def _profile_locale() -> str | None:
    """The logged-in person's language, or None when nobody is, or the database is out of reach
    (an error page must still render, in the browser's language)."""
    from flask_login import current_user  # loaded with the pages: commands log nobody in

    try:
        return current_user.locale if getattr(current_user, "is_authenticated", False) else None
    except (SQLAlchemyError, *UNAVAILABLE_ERRORS):
        return None


class AppDomain(Domain):
    """Cache catalogues per application: each app may merge different plugins' catalogues.

    A page translates a few hundred words: the catalogue found for the request's language
    is kept on the request, so that each word costs a look-up in it, not a new search for
    the catalogue. Another language (``force_locale``, ``refresh``) is another locale
    object, so it finds its own catalogue.
    """

    def get_translations_cache(self, ctx) -> dict:
        return current_app.extensions.setdefault("kanban_translations_cache", {})

    def get_translations(self):
        ctx = _get_current_context()
        if ctx is None:
            return super().get_translations()
        kept = getattr(ctx, "kanban_catalogue", None)
        if (kept is not None and kept[0] is self
                and kept[1] is getattr(ctx, "babel_locale", None)):
            return kept[2]
        translations = super().get_translations()
        ctx.kanban_catalogue = (self, get_locale(), translations)
        return translations


def page_gettext() -> dict[str, Any]:
    """The ``gettext`` and ``ngettext`` a page's template calls (``_()`` is ``gettext``),
    bound to the catalogue of the language the page is written in.

    They work as the ones Flask-Babel gives every template (Jinja's "new style": the
    translation as markup, the values put in it escaped), without looking the catalogue
    up again for each of a page's few hundred words. A template's context holds them;
    macros imported without the context use the application's own.
    """
    translations = get_domain().get_translations()
    singular, plural = translations.ugettext, translations.ungettext

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        words = __context.call(singular, __string)
        if __context.eval_ctx.autoescape:
            words = Markup(words)
        return words % variables

    @pass_context
    def ngettext(__context: Context, __singular: str, __plural: str, __num: int,
                 **variables: Any) -> str:
        words = __context.call(plural, __singular, __plural, __num)
        if "num" not in variables and isinstance(__num, int) and abs(__num) >= GROUPED:
            # "14 038 leads", grouped as the reader's language groups digits
            words = words.replace("%(num)d", "%(num)s")
            variables["num"] = format_number(__num)
        variables.setdefault("num", __num)
        if __context.eval_ctx.autoescape:
            words = Markup(words)
        return words % variables

    return {"gettext": gettext, "ngettext": ngettext}


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    babel.__dict__["domain_instance"] = AppDomain()


def add_translation_directories(app: Flask, directories: Iterable[str]) -> None:
    """Merge plugins' catalogues with the core's."""
    known = app.extensions["babel"].translation_directories
    known.extend(d for d in directories if d and d not in known)


def team_or_default_language() -> str:
    """Return the team's language, else the installation's default."""
    return current_app.config["LANGUAGE"] or current_app.config["BABEL_DEFAULT_LOCALE"]


def team_or_page_language() -> str:
    """Return the team's language, else the one the current page is shown in (the reader's):
    what a new web form speaks, say, unless the team has a language of its own."""
    if current_app.config["LANGUAGE"]:
        return current_app.config["LANGUAGE"]
    shown = get_locale()
    language = shown.language if shown is not None else None
    return language if language in current_app.config["LANGUAGES"] else team_or_default_language()


def speak(language: str | None) -> None:
    """Speak ``language`` (None: the team's) for the rest of the request, whoever reads:
    a public page with a language of its own, such as a hosted web form."""
    g.kanban_language = language or team_or_default_language()
    refresh()


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Write in ``language`` (None: the team's), whoever asked: what a web form shows its
    visitors, say, while its admin reads the app in another language."""
    language = language or team_or_default_language()
    with force_locale(REGIONAL_LOCALES.get(language, language)):
        yield


@contextmanager
def in_team_language() -> Iterator[None]:
    """Write what the app itself writes for the whole team (demo data) in the
    team's language (``KANBAN_LANGUAGE``, else the default)."""
    with in_language(None):
        yield


def language_of(user: Any) -> str:
    """Return the language a person reads the app in: their profile's, else the team's."""
    chosen = getattr(user, "locale", None)
    return chosen if chosen in current_app.config["LANGUAGES"] else team_or_default_language()


@contextmanager
def in_language_of(user: Any) -> Iterator[None]:
    """Write for one person (an email, their calendar) in their language, whoever runs it."""
    with in_language(language_of(user)):
        yield
