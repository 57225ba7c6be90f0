"""The results page: what was sold in a period, and where the good leads came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton
from flask import current_app, render_template, request
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import User
from kanban.models.base import today
from kanban.services import results as service
from kanban.services.lead_input import MAX_ID
from kanban.services.periods import PERIODS, WEEK, Period, read_period
from kanban.services.sources import source_name
from kanban.services.users import people_with_leads
from kanban.templating import (
    day,
    lost_reason,
    money,
    money_totals,
    percent_tenths,
    slot,
    user_currency,
)
from kanban.ui import Bar, Chart
from kanban.web import bp
from kanban.web.charts import chart_svg


def percent(rate: float | None) -> str:
    """Format a share with one decimal ("66.7%"), or a dash when there is nothing to divide."""
    return "—" if rate is None else percent_tenths(rate)


def days_text(days: float | None) -> str:
    return "—" if days is None else format_decimal(days, "#,##0.0")


def read_owner(args: Mapping[str, Any]) -> int | None:
    """Read ``owner_id``; raise ValidationError naming it when it is not a person."""
    raw = (args.get("owner_id") or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
        message = _("Choose a person from the list.")
    elif db.session.get(User, int(raw)) is None:
        message = _("This person is not on the team.")
    else:
        return int(raw)
    raise ValidationError(_("Some choices are not valid."), fields={"owner_id": message})


def period_words(period: Period) -> dict[str, str]:
    """Return the period's name ("this month") and its first and last day, for headings."""
    names = {
        "this_month": _("this month"), "last_month": _("last month"),
        "this_quarter": _("this quarter"), "last_quarter": _("last quarter"),
        "this_year": _("this year"), "last_12_months": _("in the last 12 months"),
    }
    first, last = day(period.start), day(period.last_day)
    return {
        "name": names.get(period.key) or _("from %(first)s to %(last)s", first=first, last=last),
        "first": first,
        "last": last,
    }


def bucket_label(start: date, period: Period) -> str:
    if period.unit == WEEK:
        return format_skeleton("MMMd", max(start, period.start), locale=get_locale())
    return format_skeleton("yMMM", start, locale=get_locale())


def bucket_tick(start: date, period: Period) -> str:
    """Name a bucket under its column: the week's day, or the month over its year."""
    if period.unit == WEEK:
        return bucket_label(start, period)
    locale = get_locale()
    month = format_skeleton("MMM", start, locale=locale)
    return f"{month}\n{format_skeleton('y', start, locale=locale)}"


def build_charts(period: Period, owner_id: int | None, currency: str) -> dict[str, Any]:
    """Ask the services for every number and shape them into charts."""
    reasons = current_app.config["LOST_REASONS"]
    won = service.sales_won(period, currency, owner_id)
    stages = service.open_pipeline(owner_id)
    several_pipelines = len({stage.pipeline_id for stage in stages}) > 1
    proposals = service.proposals_made(period, owner_id)
    by_source = service.closing(period, service.SOURCE, currency, owner_id)
    by_owner = service.closing(period, service.OWNER, currency, owner_id)
    for group in by_owner:
        group.label = group.label or _("Nobody")
    for group in by_source:
        group.label = source_name(group.label) or _("Unknown source")
    lost = service.lost_by_reason(period, reasons, owner_id)
    won_other = [money(value, code) for code, value in sorted(won.totals.items())
                 if code != currency]
    return {
        "won": won,
        "won_main": won.totals.get(currency, Decimal(0)),
        "won_other": won_other,
        "won_chart": Chart(
            _("Won, week by week") if period.unit == WEEK else _("Won, month by month"),
            [Bar(bucket_label(start, period), value, money(value, currency),
                 tick=bucket_tick(start, period))
             for start, value in won.buckets],
            note=_("Also won in other currencies, not in the bars: %(amounts)s.",
                   amounts=", ".join(won_other)) if won_other else "",
        ),
        "pipeline_chart": Chart(_("Open leads by stage"), [
            Bar(f"{stage.pipeline} › {stage.stage}" if several_pipelines else stage.stage,
                stage.totals.get(currency, Decimal(0)),
                money_totals(stage.totals, currency))
            for stage in stages
        ]),
        "stages": stages,
        "proposals": proposals,
        "proposals_chart": Chart(_("What became of the proposals"), [
            Bar(_("Won"), proposals.won, str(proposals.won)),
            Bar(_("Lost"), proposals.lost, str(proposals.lost)),
            Bar(_("Cancelled"), proposals.cancelled, str(proposals.cancelled)),
            Bar(_("Still open"), proposals.open, str(proposals.open)),
        ] if proposals.made else []),
        "by_source": by_source,
        "source_chart": won_value_chart(_("Won value by source"), by_source, currency),
        "by_owner": by_owner,
        "owner_chart": won_value_chart(_("Won value by person"), by_owner, currency),
        "lost_chart": Chart(_("Lost leads by reason"), [
            Bar(lost_reason(row.reason) if row.reason else _("Other"), row.count, str(row.count))
            for row in lost
        ]),
    }


def won_value_chart(title: str, groups: list[service.Closing], currency: str) -> Chart:
    return Chart(title, [
        Bar(str(group.label), group.won_totals.get(currency, Decimal(0)),
            money_totals(group.won_totals, currency))
        for group in groups
    ])


def read_choices(args: Mapping[str, Any]) -> tuple[Period, int | None]:
    """Read the period and the person; raise ValidationError naming every bad one."""
    errors: dict[str, str] = {}
    period, owner_id = None, None
    try:
        period = replace(read_period(args, today()), first_weekday=get_locale().first_week_day)
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        owner_id = read_owner(args)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors or period is None:
        raise ValidationError(_("Some choices are not valid."), fields=errors)
    return period, owner_id


@bp.get("/results")
def results():
    try:
        period, owner_id = read_choices(request.args)
    except ValidationError as exc:
        return render_results(None, None, exc.fields), 400
    return render_results(period, owner_id)


def render_results(period: Period | None, owner_id: int | None,
                   errors: dict[str, str] | None = None) -> str:
    context: dict[str, Any] = {}
    if period is not None:
        currency = user_currency()
        context = build_charts(period, owner_id, currency)
        context.update(
            currency=currency,
            words=period_words(period),
            plugin_charts=slot("results_charts", start=period.start, end=period.end,
                               user=current_user),
        )
    owner = db.session.get(User, owner_id) if owner_id else None
    people = people_with_leads()
    return render_template(
        "web/results.html",
        page="results",
        period=period,
        periods=PERIODS,
        owner_id=owner_id,
        owner=owner,
        people=people,
        errors=errors or {},
        chart_svg=chart_svg,
        percent=percent,
        days_text=days_text,
        totals_text=money_totals,
        **context,
    )
