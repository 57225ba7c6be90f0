"""What templates can use: plugin slots, formatting in the person's language."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from copy import copy
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_skeleton, get_datetime_format
from babel.dates import format_time as format_clock
from babel.units import format_unit
from flask import Flask, current_app
from flask_babel import (
    format_currency,
    format_date,
    format_number,
    format_percent,
    format_time,
    get_locale,
    to_user_timezone,
)
from flask_login import current_user
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError

from kanban import lead_fields
from kanban.amounts import format_amount
from kanban.filter_words import filter_words
from kanban.form_pages import posted_form_page
from kanban.form_tokens import new_token
from kanban.i18n import LANGUAGE_NAMES, page_gettext
from kanban.models.base import today
from kanban.outages import UNAVAILABLE_ERRORS
from kanban.permissions import can
from kanban.plugins import collect, get_hook
from kanban.services.queries import MAX_TEXT
from kanban.services.saved_views import may_change
from kanban.services.sources import source_name
from kanban.words import (
    entry_kind_name,
    lost_reason,
    next_action_name,
    status_name,
    timeline_text,
)

_HTML_SPECIAL = re.compile(r"[&<>\"']").search


def html_text(value: Any) -> str:
    """``value`` as it goes in the page's HTML, exactly as markupsafe's ``escape`` writes
    it: markup as it is, text escaped. Most of a page's texts hold nothing to escape; they
    are written as they are, without a Markup copy each."""
    if type(value) is str and not _HTML_SPECIAL(value):
        return value
    return escape(value)


def slot(name: str, **kwargs: Any) -> list[Any]:
    """Call the ``kanban_ui_<name>`` hook and join its answers (a missing hook fails loudly)."""
    return collect(f"kanban_ui_{name}", **kwargs)


def card_badges(leads: list[Any], user: Any) -> dict[int, list[Any]]:
    """Ask every plugin once for all visible cards' badges."""
    merged: dict[int, list[Any]] = {}
    for answer in get_hook("kanban_ui_card_badges")(leads=leads, user=user):
        for lead_id, badges in (answer or {}).items():
            merged.setdefault(lead_id, []).extend(badges)
    return merged


def money(value: Decimal | int | float | None, currency: str | None = None) -> str:
    """Format an amount in the reader's locale and the currency (else the team's)."""
    if value is None:
        return ""
    code = currency or current_app.config["DEFAULT_CURRENCY"]
    locale = get_locale()
    return format_currency(value, code) if locale is None else format_amount(value, code, locale)


def money_writer() -> Callable[[Decimal | int | float | None, str | None], str]:
    """Return ``money`` for the many amounts of one page: the reader's locale and the
    team's currency are read once, not once per amount."""
    locale = get_locale()
    if locale is None:
        return money
    default = current_app.config["DEFAULT_CURRENCY"]

    def write(value: Decimal | int | float | None, currency: str | None = None) -> str:
        return "" if value is None else format_amount(value, currency or default, locale)

    return write


def user_currency() -> str:
    """Return the currency the person reads sums in: their own, else the team's."""
    return getattr(current_user, "currency", None) or current_app.config["DEFAULT_CURRENCY"]


def money_totals(totals: Mapping[str, Decimal], currency: str) -> str:
    """Format sums in several currencies, ``currency`` first ("1 500 € + $300")."""
    ordered = sorted(totals.items(), key=lambda item: (item[0] != currency, item[0]))
    return " + ".join(money(value, code) for code, value in ordered) or money(0, currency)


def percent(value: int | None) -> str:
    """Format a whole percentage in the reader's locale: 30 %, 30%."""
    return "" if value is None else format_percent(value / 100)


def percent_tenths(share: float) -> str:
    """Format a share (0.333) as a percentage with one decimal, spaced as the reader's
    locale spaces it: 33.3%, 33,3 %."""
    locale = get_locale()
    pattern = copy(locale.percent_formats[None])
    pattern.frac_prec = (1, 1)
    return pattern.apply(share, locale)


def initials(name: str | None) -> str:
    """Return up to two capital letters for a person: the first of the first and last words."""
    words = [word for word in (name or "").split() if word[0].isalnum()]
    if not words:
        return ""
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


# One style per kind of date, on every page: a day ("28 Nov 2026" in the reader's order), a
# day with its weekday in pickers, a whole date in headings, and a moment (a day and a time).
DAY_SKELETONS = {"medium": "yMMMd", "weekday": "MMMEd"}


def day(value: date | None, style: str = "medium") -> str:
    """Format a day in the reader's locale: "medium" (the usual), "weekday" or "full"."""
    if not value:
        return ""
    if style in DAY_SKELETONS:
        return day_in(value, DAY_SKELETONS[style], get_locale())
    return format_date(value, style)


@lru_cache(maxsize=4096)
def day_in(value: date, skeleton: str, locale: Locale) -> str:
    """Format a day after a skeleton in a locale; a list shows the same few days many times."""
    return format_skeleton(skeleton, value, locale=locale)


def one_full_stop(sentence: str) -> str:
    """End a sentence with one full stop where a date closing it ends in its own ("3 янв.
    2027 г." in Russian)."""
    if sentence.endswith("..") and not sentence.endswith("..."):
        return sentence[:-1]
    return sentence


def moment(value: datetime | None) -> str:
    """Format a moment: the day as ``day`` writes it and the time without seconds."""
    if not value:
        return ""
    locale = get_locale()
    pattern = get_datetime_format("medium", locale=locale)
    return pattern.replace("{1}", day(to_user_timezone(value).date())).replace(
        "{0}", format_time(value, "short"))


def clock(value: time | None) -> str:
    """Format a time of day (a follow-up's, already in the team's zone): 09:30, 9:30 AM."""
    return format_clock(value, "short", locale=get_locale()) if value else ""


def file_size(size: int | None) -> str:
    """A file's size as the reader writes it: 512 B, 1,2 kB, 12,4 МБ (1 kB = 1,000 bytes)."""
    size = size or 0
    for unit, step in (("digital-megabyte", 1_000_000), ("digital-kilobyte", 1_000)):
        if size >= step:
            return format_unit(size / step, unit, "short", format="#,##0.#",
                               locale=get_locale())
    return format_unit(size, "digital-byte", "short", locale=get_locale())


def unread_notifications() -> int:
    """The bell's count for the person reading; 0 when the database cannot answer (an
    error page must still render)."""
    from kanban.notify.store import unread_count

    try:
        return unread_count(current_user) if current_user.is_authenticated else 0
    except (SQLAlchemyError, *UNAVAILABLE_ERRORS):
        return 0


def bell_count(unread: int) -> str:
    """Write the bell's count: the number, or 99+ past 99 (the badge stays small)."""
    return str(unread) if unread < 100 else "99+"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, day=day, moment=moment, clock=clock, percent=percent,
                                 number=format_number, file_size=file_size,
                                 one_full_stop=one_full_stop,
                                 lost_reason=lost_reason, source=source_name,
                                 status_name=status_name, next_action_name=next_action_name,
                                 entry_kind_name=entry_kind_name, bell_count=bell_count)
    app.jinja_env.tests["changeable_by"] = may_change  # a saved view this person may change
    app.jinja_env.globals.update(slot=slot, can=can, card_badges=card_badges,
                                 unread_notifications=unread_notifications,
                                 lead_field_limits=lead_fields.LIMITS,
                                 timeline_text=timeline_text, filter_words=filter_words,
                                 search_limit=MAX_TEXT, posted_form_page=posted_form_page,
                                 once_token=new_token)

    @app.context_processor
    def inject_common() -> dict[str, Any]:
        return {
            "current_locale": get_locale().language if get_locale() else "en",
            "today": today(),
            "current_user": current_user,
            "languages": [(code, LANGUAGE_NAMES.get(code, code))
                          for code in current_app.config["LANGUAGES"]],
            **page_gettext(),
        }
