"""Languages: the person's profile decides, else the browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app, request
from flask_babel import Domain
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from kanban.extensions import babel
from kanban.outages import UNAVAILABLE_ERRORS

# Babel's plain "pt" formats money and dates as in Brazil; the catalogue is Portugal's, so its
# numbers and dates are too ("1 500,00 €", "31/03/2026"). Translations still load from "pt".
REGIONAL_LOCALES = {"pt": "pt_PT"}


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    profile_locale = _profile_locale()
    if profile_locale in languages:
        return REGIONAL_LOCALES.get(profile_locale, profile_locale)
    if request:
        language = request.accept_languages.best_match(languages)
        return REGIONAL_LOCALES.get(language, language)
    return None


def _profile_locale() -> str | None:
    """The logged-in person's language, or None when nobody is, or the database is out of reach
    (an error page must still render, in the browser's language)."""
    try:
        return current_user.locale if getattr(current_user, "is_authenticated", False) else None
    except (SQLAlchemyError, *UNAVAILABLE_ERRORS):
        return None


class AppDomain(Domain):
    """Cache catalogues per application: each app may merge different plugins' catalogues."""

    def get_translations_cache(self, ctx) -> dict:
        return current_app.extensions.setdefault("kanban_translations_cache", {})


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    babel.__dict__["domain_instance"] = AppDomain()


def add_translation_directories(app: Flask, directories: Iterable[str]) -> None:
    """Merge plugins' catalogues with the core's."""
    known = app.extensions["babel"].translation_directories
    known.extend(d for d in directories if d and d not in known)
