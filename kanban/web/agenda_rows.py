"""An agenda row's words and addresses, worked out in Python once per row, so that the
agenda's template only lays them out.

The agenda shows up to three sections of AGENDA_LIMIT leads; translating, formatting and
building addresses in the template for each piece of each row cost more than the rows'
HTML. The words come out as the template's ``_()`` writes them: the translation as
markup, the values put in it escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import gettext
from jinja2.filters import do_truncate
from markupsafe import Markup

from kanban.links import with_query
from kanban.services.agenda import AgendaEntry, AgendaSection
from kanban.services.lead_views import LeadView
from kanban.templating import clock, day, money_writer
from kanban.words import entry_kind_name

LAST_NOTE_LENGTH = 280


class Words:
    """A page's words, each translated once, then filled as a template's ``_()`` fills
    them (Jinja's new-style gettext): the translation as markup, the values escaped."""

    def __init__(self) -> None:
        self.translated: dict[str, Markup] = {}

    def __call__(self, message: str, **variables: Any) -> Markup:
        words = self.translated.get(message)
        if words is None:
            words = self.translated[message] = Markup(gettext(message))
        return words % variables


@dataclass(frozen=True, slots=True)
class NextAction:
    """The row's next action: a ``tag`` ("span" or "strong") with a class and words."""

    tag: str
    css: str
    text: Markup
    time: Markup | None  # "at 09:30" when the next action has a time
    step: str  # the next step's own words, "" without


@dataclass(frozen=True, slots=True)
class LastTouch:
    kind: str
    author: str | Markup
    iso: str
    day: str
    text: str


@dataclass(frozen=True, slots=True)
class AgendaRow:
    """What one row of the agenda shows, ready to be laid out."""

    entry: AgendaEntry
    lead: LeadView
    classes: str  # added to "agenda-item": " is-overdue", " is-starred"
    back: str  # where the row's forms come back to: the agenda at the next row
    url: str
    touch_url: str
    star_url: str
    log_url: str
    who: str  # the company, else the contact
    stage: str
    value: str | None
    owner: str | None  # shown on the whole team's agenda only
    next: NextAction
    stale: Markup | None
    last_touch: LastTouch | None


class AgendaRowMaker:
    """Turn the agenda's sections into rows; made once per page, in the reader's language."""

    def __init__(self, here: str, day_: date, show_owner: bool,
                 lead_urls: Mapping[str, Callable[[int], str]]):
        self.here = here
        self.day = day_
        self.show_owner = show_owner
        self.urls = lead_urls
        self.words = Words()
        self.system = self.words("System")
        # Many rows share a day or a value: each is formatted once per page.
        self.day_text = lru_cache(maxsize=512)(day)
        self.kind_name = lru_cache(maxsize=64)(entry_kind_name)
        # A row's "log a touch" link comes back to the agenda at the next row; an id's
        # digits read the same written in an address, so the rest is written once.
        self.back_to_row = with_query("", return_to=f"{here}#lead-")
        self.back_here = with_query("", return_to=here)
        self.money = lru_cache(maxsize=1024)(money_writer())

    def __call__(self, section: AgendaSection) -> list[AgendaRow]:
        entries = section.entries
        return [self.row(entry, entries[index + 1].lead.id if index + 1 < len(entries) else None)
                for index, entry in enumerate(entries)]

    def row(self, entry: AgendaEntry, next_id: int | None) -> AgendaRow:
        lead, urls = entry.lead, self.urls
        back = f"{self.here}#lead-{next_id}" if next_id else self.here
        return AgendaRow(
            entry=entry,
            lead=lead,
            classes=(" is-overdue" if entry.is_overdue else "")
            + (" is-starred" if lead.starred else ""),
            back=back,
            url=urls["show"](lead.id),
            touch_url=urls["add_note"](lead.id),
            star_url=urls["star"](lead.id),
            log_url=urls["show"](lead.id)
            + (f"{self.back_to_row}{next_id}" if next_id else self.back_here) + "#log-touch",
            who=lead.company or lead.contact_name,
            stage=lead.stage.name,
            value=None if lead.value is None else self.money(lead.value, lead.currency),
            owner=lead.owner_name if self.show_owner else None,
            next=self.next_action(lead),
            stale=(self.words("Untouched for %(days)d days", days=lead.days_untouched(self.day))
                   if entry.is_stale else None),
            last_touch=self.last_touch(entry),
        )

    def next_action(self, lead: LeadView) -> NextAction:
        """The words of the lead page's next action line (web/_marks.html)."""
        today, when, words = self.day, lead.next_action_date, self.words
        if not lead.is_open:
            return NextAction("span", "due", words("Closed: no next action."), None, "")
        if lead.is_standby(today):
            shown = ("span", "due due-standby",
                     words("Standby until %(date)s", date=self.day_text(when)))
        elif lead.is_overdue(today):
            shown = ("strong", "due due-overdue",
                     words("Overdue since %(date)s", date=self.day_text(when)))
        elif when and when > today:
            shown = ("span", "due", words("To do by %(date)s", date=self.day_text(when)))
        elif when:
            shown = ("strong", "due due-today", words("To do today"))
        else:
            shown = ("strong", "due due-today", words("To do now"))
        at = lead.next_action_time
        return NextAction(*shown, words("at %(time)s", time=clock(at)) if at else None,
                          lead.next_action_text)

    def last_touch(self, entry: AgendaEntry) -> LastTouch | None:
        touch = entry.last_touch
        if touch is None:
            return None
        return LastTouch(
            kind=self.kind_name(touch.kind),
            author=self.system if touch.author_name is None else touch.author_name,
            iso=touch.created_at.isoformat(),
            day=day(touch.created_at),
            text=do_truncate(current_app.jinja_env, touch.body, LAST_NOTE_LENGTH),
        )
