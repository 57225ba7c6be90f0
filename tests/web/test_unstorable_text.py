"""Text typed into a page with a control character or a broken symbol is refused, field named."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Client, Lead, Pipeline, User
from kanban.text import has_unstorable, remove_unstorable
from tests.factories import LeadFactory

# Each is a character no field may keep: NUL, another C0 control, DEL.
UNSTORABLE = ["nul\x00here", "bell\x07here", "escape\x1bhere", "del\x7fhere"]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("text", ["a\x00b", "a\x08b", "a\x0bb", "a\x0cb", "a\x1fb", "a\x7fb",
                                  "a\ud800b", "a\udfffb"])
def test_the_rule_finds_and_removes_controls_del_and_lone_surrogates(text):
    assert has_unstorable(text)
    assert remove_unstorable(text) == "ab"


@pytest.mark.parametrize("text", ["tab\there", "line\nfeed", "carriage\r\nreturn", "José 😀 €"])
def test_the_rule_keeps_tabs_newlines_and_every_real_symbol(text):
    assert not has_unstorable(text)
    assert remove_unstorable(text) == text


def test_the_rule_cleans_inside_lists_and_objects():
    assert remove_unstorable({"k\x00": ["a\x07", 1, None]}) == {"k": ["a", 1, None]}


@pytest.mark.parametrize("text", UNSTORABLE)
def test_new_lead_page_refuses_a_control_character_naming_the_field(
    member_client, pipeline, text
):
    response = member_client.post("/leads/new", data={
        "title": "Printers", "company": text, "stage_id": str(pipeline.stages[0].id),
    })
    assert response.status_code == 422
    assert "company" in response.text and "Retype" in response.text
    assert count(Lead) == 0


def test_new_lead_page_keeps_tabs_and_newlines_in_the_description(member_client, pipeline):
    response = member_client.post("/leads/new", data={
        "title": "Printers", "description": "line one\r\n\tline two",
        "stage_id": str(pipeline.stages[0].id),
    })
    assert response.status_code == 302
    assert "\tline two" in db.session.scalars(select(Lead)).one().description


def test_note_page_refuses_a_control_character_naming_the_body(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    before = count(Activity)
    response = member_client.post(f"/leads/{lead.id}/notes",
                                  data={"body": "called\x1b[31m", "kind": "note"})
    assert response.status_code == 422 and "body" in response.text
    assert count(Activity) == before


def test_profile_page_refuses_a_control_character_naming_the_name(member_client, member):
    response = member_client.post("/profile", data={"name": "Ana\x07", "locale": "",
                                                     "first_on_agenda": "clients"})
    assert response.status_code == 422 and "name" in response.text
    db.session.expire_all()
    assert not has_unstorable(db.session.get(User, member.id).name)


def test_team_page_refuses_a_control_character_naming_the_name(admin_client):
    before = count(User)
    response = admin_client.post("/admin/team", data={
        "email": "new@example.com", "name": "New\x7f", "role": "member", "password": "",
    })
    assert response.status_code == 422 and "name" in response.text
    assert count(User) == before


def test_pipeline_page_refuses_a_control_character_naming_the_stages(admin_client, pipeline):
    before = count(Pipeline)
    response = admin_client.post("/admin/pipelines", data={"name": "Renewals",
                                                           "stages": "New\nWon\x01"})
    assert response.status_code == 422 and "stages" in response.text
    assert count(Pipeline) == before


def test_client_folder_page_refuses_a_control_character_naming_the_notes(admin_client, pipeline):
    response = admin_client.post("/clients", data={"name": "Padaria", "notes": "x\x00y"})
    assert response.status_code == 422 and "notes" in response.text
    assert count(Client) == 0


def test_a_stranger_is_sent_to_log_in_before_the_text_is_looked_at(client, pipeline):
    response = client.post("/leads/new", data={"title": "x\x00"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
