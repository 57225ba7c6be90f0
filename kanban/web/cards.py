"""A board card's words, worked out in Python once per card, and the card laid out.

A column shows up to BOARD_PAGE_SIZE cards: asking the template to call a formatter, a
lead's rule or an address builder for each piece of each card costs more than the card's
HTML itself. The words of a page (labels, the day, the addresses) are looked up once; the
values many cards share (amounts, days, people) are formatted once. The small pieces a card
is made of (a priority mark, the owner, a due date, the tags) are the macros of
web/_card.html; the card around them is written here (``card_html``), in one piece, as the
template wrote it: a template's loop costs more than the cards' own text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape

from kanban.links import url_template
from kanban.models import LeadStatus
from kanban.models.base import today
from kanban.services.lead_views import LeadView
from kanban.services.priorities import PriorityMark
from kanban.templating import day, html_text, initials, money_writer

CARD_TEMPLATE = "web/_card.html"


@dataclass(frozen=True, slots=True)
class CardOwner:
    """The person a card shows, with their initials and the words read out for them."""

    name: str
    initials: str
    label: str


@dataclass(slots=True)
class Card:
    """What one card shows, ready to be laid out (the template escapes every text; the
    pieces many cards share come laid out already, as markup)."""

    id: int
    version: int
    classes: str  # added to "card": " is-starred", " is-closed"
    title: str
    url: str
    who: str  # the company, else the contact
    value: str | None  # None when the lead has no value
    mark: Markup | str
    star: Markup | str
    owner: Markup | str
    due: Markup | str
    stale: Markup | str
    tags: Markup | str  # the status of a closed lead, plugins' badges and the tags


class CardMaker:
    """Turn a page's leads into cards; made once per page, in the reader's language."""

    def __init__(self, marks: Mapping[int, PriorityMark], badges: Mapping[int, list[Any]]):
        self.marks = marks
        self.badges = badges
        self.today: date = today()
        self.labels = {
            "starred": _("Starred"),
            "owner": _("Owner: %(name)s"),
            "stale": _("Stale: untouched for %(days)s days"),
            "standby": _("Standby until %(date)s"),
            "overdue": _("Overdue since %(date)s"),
            "next": _("Next: %(date)s"),
            "won": _("Won"),
            "lost": _("Lost"),
            "cancelled": _("Cancelled"),
        }
        self.lead_url: Callable[[int], str] = url_template("web.show_lead", "lead_id")
        layout = current_app.jinja_env.get_template(CARD_TEMPLATE).module
        self.tags_tag = layout.tags_tag
        self.star = layout.star_tag(self.labels["starred"])
        # Many cards share a value, a date, an owner or a mark: each is written once per page.
        self.money = lru_cache(maxsize=2048)(money_writer())
        self.day = lru_cache(maxsize=512)(day)
        self.mark = lru_cache(maxsize=64)(layout.mark_tag)
        self.owner = lru_cache(maxsize=256)(
            lambda name: layout.owner_tag(
                CardOwner(name, initials(name), self.labels["owner"] % {"name": name})))
        self.due = lru_cache(maxsize=1024)(layout.due_tag)

    def __call__(self, leads: Iterable[LeadView]) -> list[Card]:
        return [self.card(lead) for lead in leads]

    def html(self, leads: Iterable[LeadView], before: str = "", after: str = "") -> Markup:
        """Lay out the cards of ``leads``, ``before`` and ``after`` around each."""
        before, after = escape(before), escape(after)
        return Markup("".join([card_html(self.card(lead), before, after) for lead in leads]))

    def card(self, lead: LeadView) -> Card:
        labels, today_ = self.labels, self.today
        is_open = lead.status == LeadStatus.OPEN
        due = ""
        when = lead.next_action_date
        if when:
            if lead.is_standby(today_):
                due = self.due("due due-standby", labels["standby"] % {"date": self.day(when)})
            elif lead.is_overdue(today_):
                due = self.due("due due-overdue", labels["overdue"] % {"date": self.day(when)})
            else:
                due = self.due("due", labels["next"] % {"date": self.day(when)})
        stale = ""
        if lead.is_stale(today_):
            stale = self.due("due due-stale",
                             labels["stale"] % {"days": lead.days_untouched(today_)})
        status = "" if is_open else labels.get(lead.status, lead.status)
        badges = self.badges.get(lead.id, ())
        tags = lead.tags
        owner, mark = lead.owner_name, self.marks.get(lead.id)
        return Card(
            id=lead.id,
            version=lead.version,
            classes=(" is-starred" if lead.starred else "") + ("" if is_open else " is-closed"),
            title=lead.title,
            url=self.lead_url(lead.id),
            who=lead.company or lead.contact_name,
            value=None if lead.value is None else self.money(lead.value, lead.currency),
            mark=self.mark(mark) if mark else "",
            star=self.star if lead.starred else "",
            owner=self.owner(owner) if owner is not None else "",
            due=due,
            stale=stale,
            tags=self.tags_tag(status, badges, tags) if status or badges or tags else "",
        )


def card_html(card: Card, before: str = "", after: str = "") -> str:
    """One card's HTML: every text escaped; the pieces that come laid out (``Markup``, or ""
    when the card has none) as they are."""
    who = f'<span class="card-who">{html_text(card.who)}</span>' if card.who else ""
    value = ("" if card.value is None
             else f'<span class="card-value">{html_text(card.value)}</span>')
    return (
        f'{before}<li class="card{card.classes}" data-id="{card.id}" '
        f'data-version="{card.version}" tabindex="0" aria-describedby="move-help">\n'
        f'<span class="grip" aria-hidden="true"></span>\n'
        f'<span class="card-head">{card.mark}\n'
        f'<a class="card-title" href="{html_text(card.url)}">{html_text(card.title)}</a>'
        f'{card.star}\n'
        f'</span>{who}\n'
        f'<span class="card-meta">{value}{card.owner}\n'
        f'</span>{card.due}{card.stale}{card.tags}\n'
        f'</li>{after}'
    )
