"""A staff form sent twice (a second click, the browser sending it again) saves once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from kanban.extensions import db
from kanban.models import Activity, IdempotencyKey, Lead
from kanban.models.base import utcnow
from kanban.services.idempotency import KEEP_FOR
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory
from tests.live import at_once, post, start_live_server

SAVED_ONCE = "This was already saved; it is not saved twice."


def lead_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Lead.id)))


def token_of(page: str, action: str) -> str:
    """The one-time token of the form posting to ``action`` on the page."""
    form = page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="once_token" value="([^"]+)"', form)[1]


def new_lead_form(client, pipeline, **overrides) -> dict[str, str]:
    token = token_of(client.get("/leads/new").text, "/leads/new")
    return {"title": "Printer fleet", "stage_id": str(pipeline.stages[0].id),
            "next_action_kind": "todo", "once_token": token, **overrides}


def note_form(client, lead: Lead, body: str = "Spoke to Joana") -> dict[str, str]:
    action = f"/leads/{lead.id}/notes"
    return {"kind": "note", "body": body,
            "once_token": token_of(client.get(f"/leads/{lead.id}").text, action)}


def test_every_form_of_a_page_carries_a_token_of_its_own(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    page = member_client.get(f"/leads/{lead.id}").text
    forms = page.count('method="post"')
    tokens = re.findall(r'name="once_token" value="([^"]+)"', page)
    assert forms > 3 and len(tokens) == forms == len(set(tokens))


def test_a_new_lead_sent_twice_is_saved_once_and_the_second_answer_opens_it(
        member_client, pipeline):
    form = new_lead_form(member_client, pipeline)
    first = member_client.post("/leads/new", data=form)
    again = member_client.post("/leads/new", data=form)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert lead_count() == 1
    assert SAVED_ONCE in member_client.get(again.headers["Location"]).text


def test_a_note_sent_twice_is_saved_once(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    form = note_form(member_client, lead)
    first = member_client.post(f"/leads/{lead.id}/notes", data=form)
    again = member_client.post(f"/leads/{lead.id}/notes", data=form)
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count(Activity.id))) == 1


def test_closing_sent_twice_closes_once_and_says_it_was_saved(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    action = f"/leads/{lead.id}/close"
    form = {"status": "won", "version": str(lead.version),
            "once_token": token_of(member_client.get(f"/leads/{lead.id}").text, action)}
    member_client.post(action, data=form)
    again = member_client.post(action, data=form, follow_redirects=True)
    assert again.status_code == 200 and SAVED_ONCE in again.text
    closings = select(func.count(Activity.id)).where(Activity.lead_id == lead.id)
    assert db.session.scalar(closings) == 1


def test_a_refused_form_sent_again_corrected_with_its_token_is_saved(member_client, pipeline):
    form = new_lead_form(member_client, pipeline)
    refused = member_client.post("/leads/new", data={**form, "title": ""})
    saved = member_client.post("/leads/new", data=form)
    assert refused.status_code == 422 and saved.status_code == 302
    assert lead_count() == 1


def test_the_same_token_with_other_content_saves_nothing_and_says_so(member_client, pipeline):
    form = new_lead_form(member_client, pipeline)
    first = member_client.post("/leads/new", data=form)
    changed = member_client.post("/leads/new", data={**form, "title": "Scanner fleet"})
    assert changed.headers["Location"] == first.headers["Location"]
    assert lead_count() == 1
    page = member_client.get(first.headers["Location"]).text
    assert "what you changed since is not saved" in page


def test_a_token_of_another_person_saves_their_own_form(app, member_client, pipeline):
    form = new_lead_form(member_client, pipeline)
    member_client.post("/leads/new", data=form)
    other = log_in(app.test_client(), UserFactory())
    response = other.post("/leads/new", data=form)
    assert response.status_code == 302
    assert lead_count() == 2
    assert SAVED_ONCE not in other.get(response.headers["Location"]).text


def test_a_form_without_a_token_is_saved_as_before(member_client, pipeline):
    form = new_lead_form(member_client, pipeline)
    del form["once_token"]
    member_client.post("/leads/new", data=form)
    member_client.post("/leads/new", data=form)
    assert lead_count() == 2


def test_a_token_of_the_wrong_shape_counts_as_none(member_client, pipeline):
    form = new_lead_form(member_client, pipeline, once_token="not a token")
    member_client.post("/leads/new", data=form)
    member_client.post("/leads/new", data=form)
    assert lead_count() == 2


def test_a_token_past_its_time_saves_again(member_client, pipeline):
    form = new_lead_form(member_client, pipeline)
    member_client.post("/leads/new", data=form)
    db.session.execute(update(IdempotencyKey).values(
        created_at=utcnow() - KEEP_FOR - timedelta(minutes=1)))
    db.session.commit()
    member_client.post("/leads/new", data=form)
    assert lead_count() == 2


@pytest.fixture
def server(app) -> Iterator[str]:
    live, stop = start_live_server(app)
    yield live.url
    stop()


def test_two_sends_at_once_make_one_lead(server, member_client, pipeline):
    body = urlencode(new_lead_form(member_client, pipeline)).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": f"session={member_client.get_cookie('session').value}"}
    answers = at_once(2, lambda: post(server, "/leads/new", body, headers))
    assert [status for status, _body in answers] == [302, 302]
    assert lead_count() == 1
