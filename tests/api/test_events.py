"""GET /api/v1/events: the lead event outbox, read in order from the last id seen."""

from __future__ import annotations

from kanban.services import leads as lead_service
from tests.api.conftest import assert_error


def test_events_come_oldest_first_with_where_to_read_next(api, column, member):
    lead_service.add_note(column[0], "Called.", user=member, kind="call")
    lead_service.close_lead(column[1], "won", user=member)

    body = api.get("/events").get_json()

    assert [(e["kind"], e["lead_id"]) for e in body["events"]] == [
        ("noted", column[0].id), ("won", column[1].id)]
    assert body["last_id"] == body["newest_id"] == body["events"][-1]["id"]


def test_reading_after_the_last_id_gives_only_what_is_new(api, column, member):
    lead_service.add_note(column[0], "First.", user=member)
    seen = api.get("/events").get_json()["last_id"]
    lead_service.add_note(column[0], "Second.", user=member)

    body = api.get(f"/events?after={seen}").get_json()

    assert [e["payload"] for e in body["events"]] == [{"entry": "note"}]


def test_nothing_new_answers_an_empty_list_and_the_same_place(api, column):
    body = api.get("/events?after=0").get_json()
    assert body == {"events": [], "last_id": 0, "newest_id": 0}


def test_a_reader_ahead_of_the_newest_event_reads_on_from_the_newest(api, column, member):
    lead_service.add_note(column[0], "Called.", user=member, kind="call")
    ahead = api.get("/events?after=999999").get_json()
    assert ahead["events"] == [] and ahead["last_id"] == ahead["newest_id"]
    lead_service.add_note(column[0], "Called again.", user=member, kind="call")

    body = api.get(f"/events?after={ahead['last_id']}").get_json()

    assert [e["kind"] for e in body["events"]] == ["noted"]


def test_a_bad_after_or_limit_is_named(api):
    error = assert_error(api.get("/events?after=yesterday&limit=0"), 422)
    assert set(error["fields"]) == {"after", "limit"}


def test_events_need_a_login(client):
    assert client.get("/api/v1/events").status_code == 401


def test_a_negative_after_is_named_with_the_numbers_it_takes(api):
    error = assert_error(api.get("/events?after=-5"), 422)

    assert error["fields"]["after"].startswith("Must be a whole number from 0 to ")
