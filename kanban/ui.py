"""Small data types that plugins return from hooks; the core's templates render them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Tone = Literal["neutral", "info", "success", "warning", "danger"]


@dataclass(frozen=True)
class Badge:
    """A short label on a card, e.g. ``Badge("web", title="From the contact form")``."""

    text: str
    title: str = ""
    tone: Tone = "neutral"


@dataclass(frozen=True)
class ToolbarItem:
    """A button on the board's toolbar that links somewhere."""

    label: str
    url: str
    icon: str = ""
    title: str = ""


@dataclass(frozen=True)
class NavItem:
    """A link in the top navigation bar."""

    label: str
    url: str
    endpoint: str = ""  # marks the link as current on pages of this endpoint


@dataclass(frozen=True)
class Notice:
    """A line at the top of today's agenda, e.g. "3 web-form submissions wait for review"."""

    text: str
    url: str = ""
    tone: Tone = "info"


@dataclass(frozen=True)
class AgendaItem:
    """One line of a plugin's agenda section: what to do, where, and whether it is late."""

    text: str
    url: str
    detail: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class CalendarItem:
    """A day in a person's calendar feed from a plugin's own records (a prospect to call
    back): an all-day event, named ``uid`` for good so calendars update it in place."""

    uid: str
    summary: str
    day: date
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class AgendaSection:
    """A section a plugin adds to today's agenda, after proposals and follow-ups.

    ``items`` are the first lines (the core shows them in order); ``total`` counts them
    all, and ``more_url`` leads to the rest."""

    key: str
    title: str
    items: Sequence[AgendaItem] = field(default_factory=tuple)
    total: int = 0
    hint: str = ""
    more_url: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its value and how the value reads ("1 500,00 €")."""

    label: str
    value: int | float | Decimal
    shown: str = ""
    # Under a column of a time series, a short name instead of the label ("jan."); a
    # second line after "\n" ("jan.\n2026") is written only where it changes.
    tick: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart for the results page; the core draws it and lists its numbers."""

    title: str
    bars: Sequence[Bar] = field(default_factory=tuple)
    note: str = ""


@dataclass(frozen=True)
class NotificationKind:
    """Something a person can be told about, in the app's bell and by email.

    ``text(payload)`` writes one notification in the reader's language (it is called
    while that language is active), from the payload given to ``notify``; ``label`` names
    the kind on the profile, where each person turns it on or off. ``managers_only``
    kinds go to admins and managers only."""

    name: str
    label: str
    text: Callable[[dict[str, Any]], str]
    default_app: bool = True
    default_email: bool = False
    managers_only: bool = False


@dataclass(frozen=True)
class Asset:
    """A stylesheet or script included on a page."""

    kind: Literal["css", "js"]
    url: str


@dataclass(frozen=True)
class LeadSource:
    """A kind of source a plugin creates leads from. ``entry_kind``: the kind of timeline
    entry it writes on a lead it adds to (a web form's "web_form"), named by ``label``."""

    key: str
    label: str
    entry_kind: str = ""


@dataclass(frozen=True)
class OwnerRuleSource:
    """A source whose owner rule a plugin sets on a page of its own (each web form):
    ``key`` names the rule (``kanban.services.owner_rules``), ``url`` that page."""

    key: str
    label: str
    url: str


@dataclass(frozen=True)
class ExportFormat:
    """A file format the leads can be exported to.

    ``render(header, rows, options)`` yields chunks (str or bytes) of the file, so
    that exports stream whatever their size.
    """

    key: str
    label: str
    extension: str
    media_type: str
    render: Callable[
        [Sequence[str], Iterable[Sequence[Any]], dict[str, Any]], Iterator[str | bytes]
    ]
