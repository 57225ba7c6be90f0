"""Every number of the results page, checked against the hand-built month in conftest."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from kanban.services import results
from kanban.services.periods import Period
from tests.factories import PipelineFactory
from tests.results.conftest import lead

REASONS = ["Price", "Chose a competitor", "No budget", "No answer", "Timing"]


# ---- Sales won ------------------------------------------------------------------------


def test_won_counts_the_leads_closed_as_won_in_the_period(month, november):
    won = results.sales_won(november, "EUR")

    assert won.count == 4
    assert won.totals == {"EUR": Decimal("4000.00"), "USD": Decimal("300.00")}


def test_won_by_week_shows_every_week_from_monday_with_empty_ones_as_zero(month, november):
    won = results.sales_won(november, "EUR")

    assert won.buckets == [
        (date(2026, 10, 26), Decimal("1000.00")),  # Sunday 1 November, closed at 00:00
        (date(2026, 11, 2), Decimal("2500.00")),
        (date(2026, 11, 9), Decimal("0")),  # only dollars that week
        (date(2026, 11, 16), Decimal("0")),
        (date(2026, 11, 23), Decimal("0")),
        (date(2026, 11, 30), Decimal("500.00")),  # 23:59 on the last day
    ]


def test_won_by_week_from_sunday_where_weeks_start_on_sunday(month, november):
    won = results.sales_won(replace(november, first_weekday=6), "EUR")

    assert won.buckets == [
        (date(2026, 11, 1), Decimal("3500.00")),  # Sunday 1st at 00:00 and Thursday 5th
        (date(2026, 11, 8), Decimal("0")),
        (date(2026, 11, 15), Decimal("0")),
        (date(2026, 11, 22), Decimal("0")),
        (date(2026, 11, 29), Decimal("500.00")),  # Monday 30th, 23:59
    ]


def test_won_by_week_in_the_other_currency(month, november):
    won = results.sales_won(november, "USD")

    assert [value for _, value in won.buckets] == [0, 0, Decimal("300.00"), 0, 0, 0]


def test_won_at_midnight_after_the_last_day_is_in_the_next_period(month):
    december = Period("custom", date(2026, 12, 1), date(2027, 1, 1))

    won = results.sales_won(december, "EUR")

    assert (won.count, won.totals) == (1, {"EUR": Decimal("9999.00")})


def test_won_by_month_over_a_long_period(month):
    autumn = Period("custom", date(2026, 9, 15), date(2027, 1, 1))

    won = results.sales_won(autumn, "EUR")

    assert won.buckets == [
        (date(2026, 9, 1), Decimal("0")),
        (date(2026, 10, 1), Decimal("7777.00")),
        (date(2026, 11, 1), Decimal("4000.00")),
        (date(2026, 12, 1), Decimal("9999.00")),
    ]


def test_won_in_an_empty_period_is_zero_in_every_bucket(app):
    won = results.sales_won(Period("custom", date(2026, 11, 1), date(2026, 12, 1)), "EUR")

    assert (won.count, won.totals) == (0, {})
    assert len(won.buckets) == 6
    assert all(value == 0 for _, value in won.buckets)


# ---- Open pipeline ----------------------------------------------------------------------


def test_open_pipeline_sums_open_leads_per_stage_in_board_order(month):
    stages = results.open_pipeline()

    assert [(s.pipeline, s.stage, s.count, s.totals) for s in stages] == [
        ("Sales", "New", 2, {"EUR": Decimal("1000.00"), "USD": Decimal("200.00")}),
        ("Sales", "Contacted", 0, {}),
        ("Sales", "Proposal", 1, {"EUR": Decimal("3000.00")}),
        ("Sales", "Negotiation", 1, {"EUR": Decimal("0")}),
    ]


def test_open_pipeline_lists_pipelines_in_their_order(month, pipeline):
    first = PipelineFactory(name="Renewals", position=-1, stages=["Due"])
    lead(first.stages[0], "open", "50")

    stages = results.open_pipeline()

    assert [(s.pipeline, s.stage, s.count) for s in stages][:2] == [
        ("Renewals", "Due", 1), ("Sales", "New", 2)
    ]


# ---- Proposals ------------------------------------------------------------------------


def test_proposals_made_count_each_lead_once_by_its_status_now(month, november):
    proposals = results.proposals_made(november)

    assert (proposals.won, proposals.lost, proposals.cancelled, proposals.open) == (1, 1, 1, 1)
    assert proposals.made == 4


def test_success_rate_of_proposals_is_won_out_of_decided(month, november):
    assert results.proposals_made(november).success_rate == 1 / 3


def test_success_rate_is_none_while_no_proposal_is_decided(month):
    proposals = results.proposals_made(Period("custom", date(2026, 11, 10), date(2026, 11, 11)))

    assert (proposals.made, proposals.open, proposals.success_rate) == (1, 1, None)


def test_proposal_entered_at_midnight_after_the_period_is_not_counted(month):
    december = Period("custom", date(2026, 12, 1), date(2027, 1, 1))

    proposals = results.proposals_made(december)

    assert (proposals.made, proposals.lost) == (1, 1)


# ---- Win rate and time to close ----------------------------------------------------------


def rows(groups):
    return [
        (g.label, g.won, g.lost, g.win_rate, g.average_days, g.won_totals) for g in groups
    ]


def test_win_rate_and_days_to_close_per_source_best_won_value_first(month, november):
    by_source = results.closing(november, results.SOURCE, "EUR")

    assert rows(by_source) == [
        ("web form: Contact", 2, 1, 2 / 3, 6.5, {"EUR": Decimal("3500.00")}),
        ("email", 2, 2, 0.5, 14.0,
         {"EUR": Decimal("500.00"), "USD": Decimal("300.00")}),
        ("manual", 0, 2, 0.0, None, {}),
    ]


def test_win_rate_and_days_to_close_per_owner(month, november, people):
    by_owner = results.closing(november, results.OWNER, "EUR")

    assert rows(by_owner) == [
        ("Ana", 2, 2, 0.5, 6.5, {"EUR": Decimal("3500.00")}),
        ("Bruno", 2, 1, 2 / 3, 14.0, {"EUR": Decimal("500.00"), "USD": Decimal("300.00")}),
        (None, 0, 2, 0.0, None, {}),
    ]
    assert [g.key for g in by_owner] == [people.ana.id, people.bruno.id, None]


def test_days_to_close_keep_one_decimal(pipeline):
    start = datetime(2026, 11, 2, tzinfo=UTC)
    for hours in (36, 60):  # 1.5 and 2.5 days: 2.0 on average
        lead(pipeline.stages[0], "won", created=start, closed=start + timedelta(hours=hours))
    lead(pipeline.stages[0], "won", created=start, closed=start + timedelta(hours=3))

    (group,) = results.closing(Period("custom", date(2026, 11, 1), date(2026, 12, 1)),
                               results.SOURCE, "EUR")

    assert group.average_days == 1.4  # (1.5 + 2.5 + 0.125) / 3 = 1.375


# ---- Lost reasons ------------------------------------------------------------------------


def test_lost_reasons_group_details_under_the_configured_reason(month, november):
    lost = results.lost_by_reason(november, REASONS)

    assert [(row.reason, row.count) for row in lost] == [
        ("Price", 2), (None, 2), ("Chose a competitor", 1)
    ]


def test_lost_reasons_without_configured_reasons_are_all_other(month, november):
    lost = results.lost_by_reason(november, [])

    assert [(row.reason, row.count) for row in lost] == [(None, 5)]


# ---- One person's leads -------------------------------------------------------------------


def test_owner_narrows_every_number(month, november, people):
    ana = people.ana.id

    won = results.sales_won(november, "EUR", ana)
    stages = results.open_pipeline(ana)
    proposals = results.proposals_made(november, ana)
    by_source = results.closing(november, results.SOURCE, "EUR", ana)
    lost = results.lost_by_reason(november, REASONS, ana)

    assert (won.count, won.totals) == (2, {"EUR": Decimal("3500.00")})
    assert [value for _, value in won.buckets] == [1000, 2500, 0, 0, 0, 0]
    assert [(s.stage, s.count) for s in stages] == [
        ("New", 1), ("Contacted", 0), ("Proposal", 0), ("Negotiation", 0)
    ]
    assert (proposals.won, proposals.lost, proposals.cancelled, proposals.open) == (1, 1, 1, 0)
    assert [(g.label, g.won, g.lost) for g in by_source] == [
        ("web form: Contact", 2, 1), ("email", 0, 1)
    ]
    assert [(row.reason, row.count) for row in lost] == [("Price", 1), ("Chose a competitor", 1)]


def test_won_sums_keep_the_cents_exact(pipeline):
    for value in ("0.10", "0.20", "1234567.35"):
        lead(pipeline.stages[0], "won", value, closed=datetime(2026, 11, 3, tzinfo=UTC))

    won = results.sales_won(Period("custom", date(2026, 11, 1), date(2026, 12, 1)), "EUR")

    assert str(won.totals["EUR"]) == "1234567.65"
    assert str(won.buckets[1][1]) == "1234567.65"
