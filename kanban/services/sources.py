"""Where leads come from: the core's own sources plus those plugins register."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from kanban.plugins import collect
from kanban.ui import LeadSource

CORE_SOURCES = (
    LeadSource("manual", _l("Entered by hand")),
    LeadSource("api", _l("API")),
    LeadSource("renewal", _l("Renewal")),
    LeadSource("upsell", _l("Upsell")),
)


def lead_sources() -> list[LeadSource]:
    """Return every known lead source, the core's first, without repeats."""
    sources: dict[str, LeadSource] = {}
    for source in [*CORE_SOURCES, *collect("kanban_register_lead_sources")]:
        sources.setdefault(source.key, source)
    return list(sources.values())


def source_name(source: str | None) -> str:
    """Show where a lead came from in the reader's words: a known source by its label, with
    its detail ("web form: Contact" reads "Web form: Contact"); any other as it is written."""
    labels = {known.key: known.label for known in lead_sources()}
    if source in labels:
        return str(labels[source])
    key, separator, detail = (source or "").partition(": ")
    if separator and key in labels:
        return f"{labels[key]}: {detail}"
    return source or ""


def source_keys_by_name() -> dict[str, str]:
    """Map each known source's key and its name in every language (casefolded) to its key,
    so that a file exported in the reader's words imports back as the same source."""
    keys: dict[str, str] = {}
    sources = lead_sources()
    for source in sources:
        keys[source.key.casefold()] = source.key
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            for source in sources:
                keys.setdefault(str(source.label).casefold(), source.key)
    return keys


def read_source(text: str, keys: dict[str, str]) -> str:
    """Return the stored source for one written in words (``keys`` from
    ``source_keys_by_name``): "Formulário web: Contact" is "web form: Contact"."""
    text = text.strip()
    if text.casefold() in keys:
        return keys[text.casefold()]
    name, separator, detail = text.partition(": ")
    key = keys.get(name.casefold())
    return f"{key}: {detail}" if separator and key else text
