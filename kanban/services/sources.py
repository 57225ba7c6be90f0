"""Where leads come from: the core's own sources plus those plugins register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kanban.plugins import collect
from kanban.ui import LeadSource

CORE_SOURCES = (
    LeadSource("manual", _l("Entered by hand")),
    LeadSource("api", _l("API")),
)


def lead_sources() -> list[LeadSource]:
    """Return every known lead source, the core's first, without repeats."""
    sources: dict[str, LeadSource] = {}
    for source in [*CORE_SOURCES, *collect("kanban_register_lead_sources")]:
        sources.setdefault(source.key, source)
    return list(sources.values())
