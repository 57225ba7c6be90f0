"""An error answered while the session sits in a failed transaction still answers, in shape."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import Conflict as HTTPConflict

from kanban import hookimpl
from kanban.errors import Conflict
from kanban.extensions import db
from kanban.models import Lead
from tests.api.conftest import assert_error


class BreaksTheTransaction:
    """After a lead is created, fails a write, keeps going, then refuses: the session now
    needs a rollback (and PostgreSQL's transaction is aborted) before it can read again."""

    def __init__(self, refusal: Exception) -> None:
        self.refusal = refusal

    @hookimpl
    def kanban_lead_created(self, lead, source, user):
        db.session.add(Lead(title=None, stage_id=lead.stage_id))
        with contextlib.suppress(DBAPIError):
            db.session.flush()
        raise self.refusal


@pytest.mark.parametrize("refusal", [
    Conflict("A plugin refused this lead."),
    HTTPConflict(),
], ids=["service error", "HTTP error"])
def test_the_json_error_renders_after_a_failed_transaction(
    member_client, pipeline, register_plugin, refusal
):
    register_plugin(BreaksTheTransaction(refusal))
    response = member_client.post("/api/v1/leads", json={"title": "Printer fleet"},
                                  headers={"Accept-Language": "pt"})
    assert_error(response, 409, "conflict")
    assert member_client.get("/api/v1/leads").status_code == 200


def test_the_page_error_renders_after_a_failed_transaction(
    member_client, pipeline, register_plugin
):
    register_plugin(BreaksTheTransaction(Conflict("A plugin refused this lead.")))
    response = member_client.post("/leads/new", data={
        "title": "Printer fleet", "currency": "EUR", "next_action_kind": "todo",
        "stage_id": str(pipeline.stages[0].id)})
    assert response.status_code == 409
    assert "A plugin refused this lead." in response.get_data(as_text=True)


def test_the_lead_committed_before_the_refusal_is_kept(member_client, pipeline, register_plugin):
    register_plugin(BreaksTheTransaction(Conflict("A plugin refused this lead.")))
    member_client.post("/api/v1/leads", json={"title": "Printer fleet"})
    db.session.rollback()
    assert db.session.scalar(select(func.count(Lead.id))) == 1
