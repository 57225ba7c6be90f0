"""Prospects to call back are in the caller's calendar feed, beside their follow-ups."""

from __future__ import annotations

from datetime import timedelta

from kanban_prospects.lists import RowQuery, find_rows
from kanban_prospects.models import RowStatus
from kanban_prospects.working import set_status

from kanban.models.base import today
from tests.factories import UserFactory
from tests.notify.test_calendar import events, subscribe


def test_a_prospect_to_call_back_is_a_day_in_the_callers_calendar(app, make_list, fair_rows,
                                                                   member):
    plist = make_list(fair_rows)
    row = find_rows(plist, RowQuery()).rows[0]
    back = today() + timedelta(days=5)
    set_status(row, RowStatus.CALL_BACK, user=member, call_back_on=back)

    found = events(app.test_client().get(subscribe(app, member)).data)

    event = found[f"Call back: {row.company}"]
    assert event.decoded("dtstart") == back
    assert f"/prospects/rows/{row.id}" in str(event["url"])


def test_someone_elses_prospects_stay_out_of_a_calendar(app, make_list, fair_rows, member):
    plist = make_list(fair_rows)
    row = find_rows(plist, RowQuery()).rows[0]
    set_status(row, RowStatus.CALL_BACK, user=member, call_back_on=today() + timedelta(days=5))
    other = UserFactory()

    found = events(app.test_client().get(subscribe(app, other)).data)

    assert not any(summary.startswith("Call back:") for summary in found)
