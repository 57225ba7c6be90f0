"""New leads nobody owns: everyone's first sight on the agenda, and *Take it* in one click."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kanban.errors import Conflict
from kanban.extensions import db
from kanban.models import Activity, Lead, User
from kanban.services.agenda import AgendaFilter, load_agenda
from kanban.services.assignment import AlreadyTaken, take_lead
from tests.conftest import log_in
from tests.factories import LeadFactory, UserFactory

DAY = date(2026, 11, 30)


def waiting(stage, title, hours_ago, **values):
    return LeadFactory(title=title, stage=stage, owner=None,
                       created_at=datetime(2026, 11, 30, 12) - timedelta(hours=hours_ago),
                       **values)


def titles(section) -> list[str]:
    return [entry.lead.title for entry in section.entries]


def test_every_member_sees_the_unassigned_leads_oldest_first(pipeline, member):
    stage = pipeline.stages[0]
    waiting(stage, "Yesterday's form", 20)
    waiting(stage, "This morning's mail", 2)
    waiting(stage, "Last week's import", 24 * 6)
    LeadFactory(title="Someone's", stage=stage, owner=UserFactory())
    waiting(stage, "Closed", 30, status="won")
    agenda = load_agenda(AgendaFilter.from_args({}, member), DAY)
    assert titles(agenda.unassigned) == [
        "Last week's import", "Yesterday's form", "This morning's mail"]
    assert agenda.unassigned.total == 3


def test_the_pool_comes_right_after_proposals_on_the_page(member_client, pipeline):
    waiting(pipeline.stages[0], "Visitor from the site", 1)
    page = member_client.get("/agenda").get_data(as_text=True)
    assert page.index("Proposals in progress") < page.index("New leads waiting for an owner")
    assert page.index("New leads waiting for an owner") < page.index("Follow-ups to do")
    assert "Visitor from the site" in page and "Take it" in page


def test_a_new_member_is_not_told_well_done_while_a_lead_waits(member_client, pipeline):
    waiting(pipeline.stages[0], "Visitor from the site", 1)
    page = member_client.get("/agenda").get_data(as_text=True)
    assert "Well done" not in page
    assert "new leads are waiting for an owner" in page


def test_well_done_when_nothing_waits(member_client, pipeline):
    assert "Well done" in member_client.get("/agenda").get_data(as_text=True)


def test_taking_a_lead_makes_it_yours_and_says_so_on_the_timeline(app, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    take_lead(lead.id, member)
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).owner_id == member.id
    entry = db.session.scalars(select(Activity).where(Activity.lead_id == lead.id)).one()
    assert entry.payload == {"changes": {"owner_id": [None, member.id]}}


def test_take_it_from_the_agenda_goes_back_to_the_agenda(member_client, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    page = member_client.get("/agenda").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = member_client.post(f"/leads/{lead.id}/take",
                                  data={"csrf_token": token, "return_to": "/agenda"})
    assert response.status_code == 303 and response.location.endswith("/agenda")
    assert "is yours now" in member_client.get("/agenda").get_data(as_text=True)


def test_the_second_person_is_told_who_was_first(app, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    rui = UserFactory(name="Rui Costa")
    take_lead(lead.id, rui)
    with pytest.raises(AlreadyTaken) as refused:
        take_lead(lead.id, member)
    assert refused.value.message == "Rui Costa took “Visitor” first."
    assert refused.value.status == 409


def test_a_double_click_is_not_an_error(app, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    take_lead(lead.id, member)
    assert take_lead(lead.id, member).owner_id == member.id
    assert db.session.scalar(select(func.count(Activity.id))) == 1


def test_a_closed_lead_cannot_be_taken(app, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1, status="lost")
    with pytest.raises(Conflict) as refused:
        take_lead(lead.id, member)
    assert refused.value.message == "“Visitor” is closed: there is nothing to take."


def test_two_people_taking_at_once_one_wins(app, pipeline):
    lead_id = waiting(pipeline.stages[0], "Visitor", 1).id
    people = [UserFactory().id for _ in range(6)]
    db.session.remove()

    def take(user_id: int) -> str:
        with app.app_context():
            try:
                take_lead(lead_id, db.session.get(User, user_id))
                return "won"
            except AlreadyTaken:
                return "told"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(take, people))
    assert sorted(outcomes) == ["told"] * 5 + ["won"]
    assert db.session.get(Lead, lead_id).owner_id in people
    assert db.session.scalar(select(func.count(Activity.id))) == 1


def test_the_api_takes_a_lead_and_answers_409_with_the_owner(app, client, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    rui = UserFactory(name="Rui Costa")
    take_lead(lead.id, rui)
    log_in(client, member)
    response = client.post(f"/api/v1/leads/{lead.id}/take", json={},
                           headers={"X-CSRFToken": _csrf(client)})
    assert response.status_code == 409
    assert response.get_json()["error"]["owner_name"] == "Rui Costa"


def test_the_api_refuses_fields_when_taking(app, client, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    log_in(client, member)
    response = client.post(f"/api/v1/leads/{lead.id}/take", json={"owner_id": 3},
                           headers={"X-CSRFToken": _csrf(client)})
    assert response.status_code == 422
    assert "owner_id" in response.get_json()["error"]["fields"]


def test_the_api_lists_unassigned_leads(app, client, pipeline, member):
    waiting(pipeline.stages[0], "Visitor", 1)
    LeadFactory(title="Mine", stage=pipeline.stages[0], owner=member)
    log_in(client, member)
    leads = client.get("/api/v1/leads?owner_id=none").get_json()["leads"]
    assert [lead["title"] for lead in leads] == ["Visitor"]


def _csrf(client) -> str:
    page = client.get("/agenda").get_data(as_text=True)
    return page.split('name="csrf-token" content="')[1].split('"')[0]


# Take it from the lead page -------------------------------------------------------------


def take_forms(client, lead) -> int:
    return client.get(f"/leads/{lead.id}").get_data(as_text=True).count(
        f'action="/leads/{lead.id}/take"')


def test_the_page_of_a_lead_nobody_owns_offers_to_take_it(member_client, pipeline, member):
    lead = waiting(pipeline.stages[0], "Visitor from the site", 1)
    assert take_forms(member_client, lead) == 1
    response = member_client.post(f"/leads/{lead.id}/take",
                                  data={"csrf_token": _csrf(member_client)})
    assert response.status_code == 303 and response.location.endswith(f"/leads/{lead.id}")
    page = member_client.get(response.location).get_data(as_text=True)
    assert "is yours now" in page and take_forms(member_client, lead) == 0


def test_only_the_page_of_an_open_lead_nobody_owns_offers_to_take_it(member_client, pipeline):
    waits = waiting(pipeline.stages[0], "Visitor", 1)
    owned = LeadFactory(stage=pipeline.stages[0], owner=UserFactory())
    closed = waiting(pipeline.stages[0], "Closed", 1, status="won")
    assert [take_forms(member_client, lead) for lead in (waits, owned, closed)] == [1, 0, 0]


def test_taking_from_the_page_a_lead_taken_meanwhile_says_who_was_first(member_client,
                                                                        pipeline):
    lead = waiting(pipeline.stages[0], "Visitor", 1)
    token = _csrf(member_client)
    assert take_forms(member_client, lead) == 1
    take_lead(lead.id, UserFactory(name="Rita"))
    response = member_client.post(f"/leads/{lead.id}/take", data={"csrf_token": token})
    page = member_client.get(response.location).get_data(as_text=True)
    assert "Rita took “Visitor” first." in page.replace("&#34;", '"')
