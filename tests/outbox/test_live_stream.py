"""GET /board/events: an open board's stream of lead events, resumed where it stopped."""

from __future__ import annotations

import json
import os
import time

import pytest

from kanban.services import leads as lead_service
from kanban.services import outbox
from tests.factories import LeadFactory, PipelineFactory


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LIVE_STREAM_SECONDS": 0.3, "LIVE_POLL_SECONDS": 0.05}


def sent(response) -> tuple[list[dict], list[int]]:
    """The events a stream sent, and every id it gave (events and read-up-to marks)."""
    text = response.get_data(as_text=True)
    events = [json.loads(line[len("data: "):]) for line in text.splitlines()
              if line.startswith("data: ")]
    ids = [int(line[len("id: "):]) for line in text.splitlines() if line.startswith("id: ")]
    return events, ids


@pytest.fixture
def two_pipelines(pipeline):
    other = PipelineFactory(name="Renewals", stages=["Due"])
    return pipeline, other


def test_the_stream_sends_the_boards_events_after_the_one_given(member_client, member,
                                                               two_pipelines):
    sales, renewals = two_pipelines
    lead = LeadFactory(stage=sales.stages[0])
    lead_service.add_note(lead, "Seen before the board opened.", user=member)
    start = outbox.last_event_id()
    lead_service.add_note(lead, "Called.", user=member, kind="call")
    lead_service.create_lead({"title": "Elsewhere"}, user=member, stage=renewals.stages[0])

    response = member_client.get(f"/board/events?pipeline={sales.id}&after={start}")

    events, ids = sent(response)
    assert response.mimetype == "text/event-stream"
    assert [(e["kind"], e["lead_id"]) for e in events] == [("noted", lead.id)]
    assert ids[-1] == outbox.last_event_id()  # the other pipeline's event is read past


def test_a_board_ahead_of_the_newest_event_hears_the_next_change(member_client, member,
                                                                  pipeline, monkeypatch):
    lead = LeadFactory(stage=pipeline.stages[0])
    lead_service.add_note(lead, "Before the board opened.", user=member)
    real = outbox.events_after
    calls: list[int] = []

    def a_change_while_it_listens(after, **kwargs):
        if not calls:  # someone logs a call just after the board started listening
            lead_service.add_note(lead, "Called.", user=member, kind="call")
        calls.append(after)
        return real(after, **kwargs)

    monkeypatch.setattr(outbox, "events_after", a_change_while_it_listens)
    response = member_client.get(f"/board/events?pipeline={pipeline.id}",
                                 headers={"Last-Event-ID": "999999"})  # a restored database

    events, _ids = sent(response)
    assert [e["kind"] for e in events] == ["noted"]


def test_a_stream_whose_database_stops_answering_ends_quietly(member_client, pipeline,
                                                              monkeypatch):
    from sqlalchemy.exc import OperationalError

    def unreachable(after):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(outbox, "events_after", unreachable)
    response = member_client.get(f"/board/events?pipeline={pipeline.id}&after=0")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "retry: 1000\n\n"  # it reconnects in a second


def test_a_reconnecting_board_resumes_after_its_last_event_id(member_client, member, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    lead_service.add_note(lead, "one", user=member)
    seen = outbox.last_event_id()
    lead_service.add_note(lead, "two", user=member)

    response = member_client.get(f"/board/events?pipeline={pipeline.id}&after=0",
                                 headers={"Last-Event-ID": str(seen)})

    events, _ids = sent(response)
    assert [e["id"] for e in events] == [seen + 1]


def test_a_board_that_gives_no_place_hears_only_what_comes_next(member_client, member,
                                                                pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    lead_service.add_note(lead, "old news", user=member)

    events, _ids = sent(member_client.get(f"/board/events?pipeline={pipeline.id}"))

    assert events == []


def test_the_stream_is_for_people_logged_in(client, pipeline):
    assert client.get(f"/board/events?pipeline={pipeline.id}").status_code in (302, 401)


def stream_while_a_note_is_written(app, member, pipeline, **config) -> list[dict]:
    """Open a board's stream that would look only once a minute, write a note from another
    thread a moment later, and return what the stream sent."""
    import threading

    from tests.conftest import log_in

    app.config.update(LIVE_POLL_SECONDS=60, LIVE_STREAM_SECONDS=4, **config)
    lead_id = LeadFactory(stage=pipeline.stages[0]).id
    client = log_in(app.test_client(), member)

    def note_soon() -> None:
        time.sleep(1.5)
        with app.app_context():
            from kanban.extensions import db
            from kanban.models import Lead

            lead_service.add_note(db.session.get(Lead, lead_id), "Woken.", user=None)
            db.session.remove()

    writer = threading.Thread(target=note_soon)
    writer.start()
    response = client.get(f"/board/events?pipeline={pipeline.id}")
    writer.join()
    events, _ids = sent(response)
    assert [(e["kind"], e["lead_id"]) for e in events] == [("noted", lead_id)]
    return events


def test_on_postgresql_a_commit_wakes_the_stream_before_its_next_look(app, backend, member,
                                                                      pipeline):
    if backend != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's; SQLite's streams look every LIVE_POLL_SECONDS")
    stream_while_a_note_is_written(app, member, pipeline)


def test_with_redis_a_commit_wakes_a_sqlite_stream_before_its_next_look(app, backend, member,
                                                                        pipeline):
    if backend != "sqlite":
        pytest.skip("PostgreSQL wakes its streams itself (NOTIFY)")
    redis_url = os.environ.get("KANBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    stream_while_a_note_is_written(app, member, pipeline,
                                   RATELIMIT_STORAGE_URI=redis_url.rsplit("/", 1)[0] + "/13")
