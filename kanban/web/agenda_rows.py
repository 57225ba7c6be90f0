"""An agenda row's words and addresses, worked out in Python once per row, and what the
row shows laid out.

The agenda shows up to three sections of AGENDA_LIMIT leads; translating, formatting and
building addresses in the template for each piece of each row cost more than the rows'
HTML. The words come out as the template's ``_()`` writes them: the translation as
markup, the values put in it escaped. What a row shows (its title, facts, next action and
last note) is written here in one piece (``row_html``), as the template wrote it, and so
are its usual forms (``forms_html``); the template writes the row's end, and the touch form
that opens on a row when what the reader posted there needs correcting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf
from jinja2.filters import do_truncate
from markupsafe import Markup

from kanban.links import with_query
from kanban.models.base import team_zone
from kanban.services.agenda import AgendaEntry, AgendaSection
from kanban.services.lead_views import LeadView
from kanban.templating import clock, day, html_text, money_writer
from kanban.words import entry_kind_name

LAST_NOTE_LENGTH = 280
MARKS_TEMPLATE = "web/_marks.html"
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


@dataclass(slots=True)
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
    html: Markup = Markup("")  # the row as shown, up to its forms (row_html)
    forms: Markup = Markup("")  # its usual forms: take it, log a touch (forms_html)


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
        self.dated = lru_cache(maxsize=512)(
            lambda message, when: self.words(message, date=self.day_text(when)))
        self.untouched = lru_cache(maxsize=512)(
            lambda days: self.words("Untouched for %(days)d days", days=days))
        self.zone = team_zone()  # a touch is dated by the team's day, as on the timeline
        self.jinja_env = current_app.jinja_env
        self.kind_name = lru_cache(maxsize=64)(entry_kind_name)
        # A row's "log a touch" link comes back to the agenda at the next row; an id's
        # digits read the same written in an address, so the rest is written once.
        self.back_to_row = with_query("", return_to=f"{here}#lead-")
        self.back_here = with_query("", return_to=here)
        self.money = lru_cache(maxsize=1024)(money_writer())
        self.row_words = {
            "priority": self.words("Priority"),
            "star_on": self.words("Starred: it stands out everywhere"),
            "star_off": self.words("Star it so it stands out"),
            "starred": self.words("Starred"),
        }
        self.no_note = self.words("No note yet.")
        self.take, self.log = self.words("Take it"), self.words("Log a touch")
        # %(title)s stays to be filled per row, with the title escaped.
        self.take_title = str(self.words("(%(title)s)", title="%(title)s"))
        self.log_title = str(self.words("on %(title)s", title="%(title)s"))
        self.csrf = generate_csrf()
        marks = current_app.jinja_env.get_template(MARKS_TEMPLATE).module
        self.badge = lru_cache(maxsize=64)(
            lambda mark: marks.priority_badge(mark, self.row_words))

    def __call__(self, section: AgendaSection) -> list[AgendaRow]:
        entries = section.entries
        return [self.row(entry, entries[index + 1].lead.id if index + 1 < len(entries) else None)
                for index, entry in enumerate(entries)]

    def row(self, entry: AgendaEntry, next_id: int | None) -> AgendaRow:
        lead, urls = entry.lead, self.urls
        back = f"{self.here}#lead-{next_id}" if next_id else self.here
        return self.laid_out(
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
            stale=self.untouched(lead.days_untouched(self.day)) if entry.is_stale else None,
            last_touch=self.last_touch(entry),
        )

    def laid_out(self, **fields: Any) -> AgendaRow:
        """The row, with its HTML."""
        row = AgendaRow(**fields)
        row.html = Markup(self.row_html(row))
        row.forms = Markup(self.forms_html(row))
        return row

    def row_html(self, row: AgendaRow) -> str:
        """What the row shows, up to its forms; every text escaped, markup as it is."""
        lead = row.lead
        facts = [f"<span>{html_text(row.who)}</span>" if row.who else "",
                 f"\n    <span>{html_text(row.stage)}</span>"]
        if row.value is not None:
            facts.append(f'<span class="agenda-value">{html_text(row.value)}</span>')
        if row.owner is not None:
            facts.append(f"<span>{html_text(row.owner)}</span>")
        if lead.phone:
            phone = html_text(lead.phone)
            facts.append(f'<a href="tel:{phone}">{phone}</a>')
        if lead.email:
            email = html_text(lead.email)
            facts.append(f'<a href="mailto:{email}">{email}</a>')
        next_ = row.next
        after = [f" <span class=\"due-time\">{html_text(next_.time)}</span>" if next_.time else "",
                 f' · <span class="next-action-text">{html_text(next_.step)}</span>'
                 if next_.step else "",
                 f' <span class="badge badge-warning">{html_text(row.stale)}</span>'
                 if row.stale else ""]
        touch = row.last_touch
        if touch is None:
            note = f'\n  <p class="last-note is-empty">{html_text(self.no_note)}</p>\n  '
        else:
            note = (f'<blockquote class="last-note">\n'
                    f'    <p class="last-note-meta">{html_text(touch.kind)} · '
                    f'{html_text(touch.author)} · <time datetime="{html_text(touch.iso)}">'
                    f'{html_text(touch.day)}</time></p>\n'
                    f'    <p class="last-note-text">{html_text(touch.text)}</p>\n'
                    f'  </blockquote>\n  ')
        return (
            f'<li class="agenda-item{row.classes}" id="lead-{lead.id}" '
            f'data-touch-url="{html_text(row.touch_url)}" data-return-to="{html_text(row.back)}" '
            f'data-next-step="{html_text(lead.next_action_text or "")}">\n'
            f'  <div class="agenda-line">\n'
            f'    {self.badge(row.entry.mark)}\n'
            f'    <a class="agenda-title" href="{html_text(row.url)}">{html_text(lead.title)}</a>\n'
            f'    {self.star_button(lead, row.star_url)}\n'
            f'  </div>\n'
            f'  <p class="agenda-facts">{"".join(facts)}\n'
            f'  </p>\n'
            f'  <p class="agenda-next">\n'
            f'    <{next_.tag} class="{next_.css}">{html_text(next_.text)}</{next_.tag}>'
            f'{"".join(after)}\n'
            f'  </p>\n'
            f'  {note}\n  '
        )

    def forms_html(self, row: AgendaRow) -> str:
        """The row's usual forms: "take it" for a lead nobody owns, then "log a touch"."""
        lead = row.lead
        take = ""
        if lead.owner_id is None:
            take = (f'\n  <form method="post" action="{html_text(self.urls["take"](lead.id))}" '
                    f'class="inline take-form">\n'
                    f'    <input type="hidden" name="csrf_token" value="{html_text(self.csrf)}">\n'
                    f'    <input type="hidden" name="return_to" value="{html_text(self.here)}">\n'
                    f'    <button type="submit" class="primary take-lead">{self.take}'
                    f'<span class="sr-only"> {self.take_title % {"title": html_text(lead.title)}}'
                    f'</span></button>\n'
                    f'  </form>\n  ')
        return (f'\n  {take}\n'
                f'  <a class="button log-touch" href="{html_text(row.log_url)}" '
                f'data-opens-form="{html_text(row.touch_url)}">{self.log}'
                f'<span class="sr-only"> {self.log_title % {"title": html_text(lead.title)}}'
                f'</span></a>\n  ')

    def star_button(self, lead: LeadView, action: str) -> str:
        """The star's form, as web/_marks.html's ``star_button`` writes it for a list."""
        on, words = lead.starred, self.row_words
        return (
            f'<form method="post" action="{html_text(action)}" class="star-form">\n'
            f'  <input type="hidden" name="csrf_token" value="{html_text(self.csrf)}">\n'
            f'  <input type="hidden" name="starred" value="{"0" if on else "1"}">\n'
            f'  <input type="hidden" name="return_to" '
            f'value="{html_text(f"{self.here}#lead-{lead.id}")}">\n'
            f'  <button type="submit" class="star{" is-on" if on else ""}" '
            f'aria-pressed="{"true" if on else "false"}" '
            f'title="{html_text(words["star_on"] if on else words["star_off"])}">'
            f'<span aria-hidden="true">{"★" if on else "☆"}</span>'
            f'<span class="sr-only">{html_text(words["starred"])}: {html_text(lead.title)}</span>'
            f'</button>\n'
            f'</form>'
        )

    def next_action(self, lead: LeadView) -> NextAction:
        """The words of the lead page's next action line (web/_marks.html)."""
        today, when, words = self.day, lead.next_action_date, self.words
        if not lead.is_open:
            return NextAction("span", "due", words("Closed: no next action."), None, "")
        if lead.is_standby(today):
            shown = ("span", "due due-standby",
                     self.dated("Standby until %(date)s", when))
        elif lead.is_overdue(today):
            shown = ("strong", "due due-overdue",
                     self.dated("Overdue since %(date)s", when))
        elif when and when > today:
            shown = ("span", "due", self.dated("To do by %(date)s", when))
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
            day=self.day_text(touch.created_at.astimezone(self.zone).date()),
            text=do_truncate(self.jinja_env, touch.body, LAST_NOTE_LENGTH),
        )
