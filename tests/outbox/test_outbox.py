"""Every lead change writes one event in its own transaction: an event exists exactly when
the change does, and readers follow the events in order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import LeadEvent
from kanban.models.base import utcnow
from kanban.services import leads as lead_service
from kanban.services import outbox
from kanban.services.assignment import take_lead
from kanban.services.followup import log_touch
from kanban.services.lead_batches import create_leads
from tests.factories import LeadFactory


def events() -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(e.kind, e.lead_id) for e in db.session.scalars(select(LeadEvent).order_by(
        LeadEvent.id))]


def last() -> LeadEvent:
    return db.session.scalars(select(LeadEvent).order_by(LeadEvent.id.desc())).first()


@pytest.fixture
def lead(pipeline):
    found = LeadFactory(stage=pipeline.stages[0], title="Printer fleet")
    db.session.commit()
    return found


def test_a_new_lead_writes_a_created_event_with_where_it_stands(pipeline, member):
    made = lead_service.create_lead({"title": "New shop"}, user=member, source="api",
                                    stage=pipeline.stages[1])
    event = last()
    assert (event.kind, event.lead_id, event.stage_id, event.pipeline_id, event.actor_id) == (
        "created", made.id, pipeline.stages[1].id, pipeline.id, member.id)
    assert event.payload == {"source": "api"}


def test_a_batch_of_new_leads_writes_one_event_each(pipeline):
    created = create_leads([{"title": "A"}, {"title": "B"}, {"title": "C"}],
                           stage=pipeline.stages[0], user=None)
    assert events() == [("created", lead_id) for lead_id in created.ids]


def test_an_edit_names_the_fields_it_changed(lead, member):
    lead_service.update_lead(lead, {"title": "Printer fleet, 3 shops", "value": "1500"},
                             user=member)
    assert (last().kind, last().payload) == ("updated", {"fields": ["title", "value"]})


def test_an_edit_that_changes_nothing_writes_no_event(lead, member):
    lead_service.update_lead(lead, {"title": "Printer fleet"}, user=member)
    assert events() == []


def test_a_note_writes_a_noted_event(lead, member):
    lead_service.add_note(lead, "Called: wants a quote.", user=member, kind="call")
    assert (last().kind, last().payload) == ("noted", {"entry": "call"})


def test_a_touch_with_a_follow_up_writes_noted_then_updated(lead, member):
    log_touch(lead, "Called back.", kind="call", follow_up={"follow_up": "tomorrow"},
              user=member)
    assert [kind for kind, _id in events()] == ["noted", "updated"]


def test_a_move_tells_where_from_and_where_to(lead, pipeline, member):
    lead_service.move_lead(lead.id, stage_id=pipeline.stages[2].id, version=lead.version,
                           user=member)
    event = last()
    assert (event.kind, event.stage_id) == ("moved", pipeline.stages[2].id)
    assert event.payload["from_stage_id"] == pipeline.stages[0].id
    assert event.payload["version"] == lead.version


def test_a_drop_in_the_same_place_writes_no_event(lead, pipeline, member):
    lead_service.move_lead(lead.id, stage_id=pipeline.stages[0].id, version=lead.version,
                           user=member)
    assert events() == []


def test_a_refused_move_writes_no_event(lead, pipeline, member):
    with pytest.raises(Conflict):
        lead_service.move_lead(lead.id, stage_id=pipeline.stages[1].id,
                               version=lead.version + 5, user=member)
    assert events() == []


def test_an_edit_refused_at_commit_leaves_no_event(lead, member):
    with pytest.raises(Conflict):
        lead_service.update_lead(lead, {"title": "Other"}, user=member,
                                 version=lead.version + 1)
    db.session.rollback()
    assert events() == []


def test_a_lead_that_fails_validation_writes_no_event(pipeline, member):
    with pytest.raises(ValidationError):
        lead_service.create_lead({"title": ""}, user=member)
    assert events() == []


@pytest.mark.parametrize("status", ["won", "lost", "cancelled"])
def test_closing_writes_the_outcome(lead, member, status):
    lead_service.close_lead(lead, status, lost_reason="Price", user=member)
    expected = {"lost_reason": "Price"} if status == "lost" else {}
    assert (last().kind, last().payload) == (status, expected)


def test_reopening_writes_reopened_with_the_previous_outcome(lead, member):
    lead_service.close_lead(lead, "won", user=member)
    lead_service.reopen_lead(lead, user=member)
    assert (last().kind, last().payload) == ("reopened", {"previous_status": "won"})


def test_a_deleted_leads_event_outlives_it(lead, manager):
    lead_id = lead.id
    lead_service.delete_lead(lead, user=manager)
    assert (last().kind, last().lead_id, last().payload) == (
        "deleted", lead_id, {"title": "Printer fleet"})


def test_taking_a_lead_writes_who_owns_it_now(lead, member):
    take_lead(lead.id, member)
    assert (last().kind, last().payload, last().actor_id) == (
        "updated", {"fields": ["owner_id"]}, member.id)


def test_events_are_read_in_order_after_the_last_one_seen(lead, member):
    for text in ("one", "two", "three"):
        lead_service.add_note(lead, text, user=member)
    first, *rest = outbox.events_after(0)
    assert [e.id for e in outbox.events_after(first.id)] == [e.id for e in rest]
    assert [e.id for e in outbox.events_after(0, limit=2)] == [first.id, rest[0].id]
    assert outbox.last_event_id() == rest[-1].id


def test_old_events_are_forgotten_and_recent_ones_kept(lead, member):
    lead_service.add_note(lead, "old", user=member)
    lead_service.add_note(lead, "new", user=member)
    old, new = outbox.events_after(0)
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()

    assert outbox.forget_old(7) == 1
    assert [e.id for e in outbox.events_after(0)] == [new.id]
