"""Client folders group the leads of one client company with the history of their deals;
a won lead is duplicated into a renewal or upsell lead, in standby until a chosen day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Client, Lead
from kanban.services import clients as client_service
from tests.factories import ClientFactory, LeadFactory

DAY = date(2026, 11, 30)
HOSTILE = "<script>alert(1)</script>"


def reload(lead: Lead) -> Lead:
    db.session.expire_all()
    return db.session.get(Lead, lead.id)


@pytest.fixture
def won(pipeline, member):
    return LeadFactory(
        title="Printer fleet", stage=pipeline.stages[3], status="won", owner=member,
        value=Decimal("4200.00"), company="Padaria Lisboeta", contact_name="Joana",
        email="joana@padaria.example", phone="+351 21 000", priority=1, tags=["lisbon"],
        custom_fields={"Shops": 3}, closed_at=datetime(2026, 3, 10, 15, tzinfo=UTC),
    )


# Duplicating for a renewal -----------------------------------------------------------------


def test_duplicate_makes_a_renewal_lead_in_standby_until_the_chosen_day(won, member, pipeline):
    copy = client_service.duplicate_lead(won, purpose="renewal", standby_until="2027-02-10",
                                         user=member, today=DAY)
    assert (copy.title, copy.source, copy.value) == (
        "Renewal: Printer fleet", "renewal", Decimal("4200.00"))
    assert (copy.next_action_kind, copy.next_action_date) == ("standby", date(2027, 2, 10))
    assert copy.stage_id == pipeline.stages[0].id and copy.status == "open"
    assert (copy.company, copy.contact_name, copy.email, copy.phone, copy.owner_id) == (
        won.company, won.contact_name, won.email, won.phone, member.id)
    assert (copy.priority, copy.tags, copy.custom_fields) == (1, ["lisbon"], {"Shops": 3})


def test_duplicate_puts_both_leads_in_a_new_client_folder(won, member):
    copy = client_service.duplicate_lead(won, purpose="upsell", standby_until="2027-01-05",
                                         user=member, today=DAY)
    won = reload(won)
    assert won.client_id == copy.client_id is not None
    assert won.client.name == "Padaria Lisboeta"
    assert copy.title == "Upsell: Printer fleet"


def test_duplicate_of_a_lead_naming_no_company_or_contact_makes_no_folder(won, member):
    won.company, won.contact_name = "", ""
    db.session.commit()

    copy = client_service.duplicate_lead(won, purpose="renewal", standby_until="2027-01-05",
                                         user=member, today=DAY)

    assert copy.client_id is None and reload(won).client_id is None
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_duplicate_of_a_lead_naming_only_its_contact_files_it_under_the_contact(won, member):
    won.company = ""
    db.session.commit()

    copy = client_service.duplicate_lead(won, purpose="renewal", standby_until="2027-01-05",
                                         user=member, today=DAY)

    assert copy.client.name == "Joana"


def test_duplicate_keeps_an_existing_folder(won, member):
    folder = ClientFactory(name="Padaria group", rating="A")
    won.client = folder
    db.session.commit()
    copy = client_service.duplicate_lead(won, purpose="renewal", standby_until="2027-01-05",
                                         user=member, today=DAY)
    assert copy.client_id == folder.id
    assert db.session.scalar(select(func.count(Client.id))) == 1


def test_duplicate_files_into_the_folder_already_named_after_the_company(won, member):
    folder = ClientFactory(name="PADARIA LISBOETA", rating="C")
    copy = client_service.duplicate_lead(won, purpose="renewal", standby_until="2027-01-05",
                                         user=member, today=DAY)
    assert (reload(won).client_id, copy.client_id) == (folder.id, folder.id)
    assert db.session.scalar(select(func.count(Client.id))) == 1


def test_the_lead_page_offers_no_second_folder_of_the_same_name(member_client, won):
    ClientFactory(name="Padaria Lisboeta")
    page = member_client.get(f"/leads/{won.id}").text
    assert "A new folder" not in page


def test_duplicate_leaves_a_line_on_both_timelines(won, member):
    copy = client_service.duplicate_lead(won, purpose="renewal", standby_until="2027-01-05",
                                         user=member, today=DAY)
    original = reload(won)
    assert original.activities[-1].payload["to"] == copy.id
    assert reload(copy).activities[0].payload["duplicated_from"] == won.id


@pytest.mark.parametrize(("when", "message"), [
    ("2026-11-30", "Choose a day after today: the new lead waits until then."),
    ("2026-11-01", "Choose a day after today: the new lead waits until then."),
    ("next spring", "Use a date such as 2026-03-31."),
    ("", "Choose a date."),
])
def test_duplicate_needs_a_day_after_today_and_creates_nothing(won, member, when, message):
    with pytest.raises(ValidationError) as caught:
        client_service.duplicate_lead(won, purpose="renewal", standby_until=when, user=member,
                                      today=DAY)
    assert caught.value.fields == {"standby_until": message}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Lead.id))) == 1
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_duplicate_with_an_unknown_purpose_is_refused(won, member):
    with pytest.raises(ValidationError) as caught:
        client_service.duplicate_lead(won, purpose="gift", standby_until="2027-01-05",
                                      user=member, today=DAY)
    assert "purpose" in caught.value.fields


def test_renewal_is_suggested_a_month_before_the_year_is_up(won):
    assert client_service.renewal_date(won, DAY) == date(2027, 2, 10)


def test_duplicate_page_flow_opens_the_new_lead(member_client, won):
    response = member_client.post(f"/leads/{won.id}/duplicate", data={
        "purpose": "renewal", "standby_until": (date.today() + timedelta(days=90)).isoformat(),
        "title": "", "value": "3900"})
    assert response.status_code == 302
    copy = db.session.scalars(select(Lead).where(Lead.id != won.id)).one()
    assert response.headers["Location"].endswith(f"/leads/{copy.id}")
    assert copy.value == Decimal("3900.00")


def test_duplicate_page_names_no_folder_when_none_was_made(member_client, won):
    won.company, won.contact_name = "", ""
    db.session.commit()
    member_client.post(f"/leads/{won.id}/duplicate", data={
        "purpose": "renewal", "standby_until": (date.today() + timedelta(days=30)).isoformat(),
        "title": "", "value": ""},
        follow_redirects=False)

    page = member_client.get("/board").text

    said = re.search(r"The new lead is in standby until ([^<]*)<", page)
    assert said and "folder" not in said.group(1)


def test_an_upsell_from_the_page_is_named_as_one_when_its_title_is_left_as_offered(
        member_client, won):
    page = member_client.get(f"/leads/{won.id}").text
    assert 'id="duplicate-title" maxlength="200" name="title" type="text" value=""' in page
    assert "Empty: this lead's title after “Renewal:” or “Upsell:”" in page
    member_client.post(f"/leads/{won.id}/duplicate", data={
        "purpose": "upsell", "standby_until": (date.today() + timedelta(days=30)).isoformat(),
        "title": "", "value": ""})
    copy = db.session.scalars(select(Lead).where(Lead.id != won.id)).one()
    assert copy.title == f"Upsell: {won.title}"


def test_duplicate_page_with_a_past_day_says_so_next_to_the_field(member_client, won):
    response = member_client.post(f"/leads/{won.id}/duplicate", data={
        "purpose": "renewal", "standby_until": "2020-01-01", "title": "Again", "value": ""})
    assert response.status_code == 422
    assert 'id="duplicate-standby_until-error"' in response.text
    assert db.session.scalar(select(func.count(Lead.id))) == 1


# Folders -------------------------------------------------------------------------------------


def test_folder_summaries_count_open_won_and_lost_deals(pipeline):
    folder = ClientFactory(name="Vinhos", rating="B")
    stage = pipeline.stages[0]
    LeadFactory(stage=stage, client=folder, status="won", value=Decimal("100"))
    LeadFactory(stage=stage, client=folder, status="won", value=Decimal("50"), currency="USD")
    LeadFactory(stage=stage, client=folder, status="lost")
    LeadFactory(stage=stage, client=folder, status="cancelled")
    LeadFactory(stage=stage, client=folder)
    ClientFactory(name="Empty")
    summaries = {s.client.name: s for s in client_service.folder_summaries()}
    vinhos = summaries["Vinhos"]
    assert (vinhos.open, vinhos.won, vinhos.lost, vinhos.is_client) == (1, 2, 2, True)
    assert vinhos.won_value == {"EUR": Decimal("100"), "USD": Decimal("50")}
    assert not summaries["Empty"].is_client


def test_folder_page_shows_deals_in_progress_won_and_lost(member_client, pipeline):
    folder = ClientFactory(name="Vinhos", rating="B")
    LeadFactory(stage=pipeline.stages[0], client=folder, title="Open deal")
    LeadFactory(stage=pipeline.stages[0], client=folder, title="Won deal", status="won")
    LeadFactory(stage=pipeline.stages[0], client=folder, title="Lost deal", status="lost",
                lost_reason="Price")
    html = member_client.get(f"/clients/{folder.id}").text
    assert html.index("Open deal") < html.index("Won deal") < html.index("Lost deal")
    assert "Client, class B" in html


def test_creating_a_folder_without_a_name_names_the_field(member_client):
    response = member_client.post("/clients", data={"name": " ", "rating": "", "notes": ""})
    assert response.status_code == 422
    assert 'id="name-error"' in response.text
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_a_class_other_than_a_to_d_is_refused(member_client):
    folder = ClientFactory(name="Vinhos")
    response = member_client.post(f"/clients/{folder.id}", data={"name": "Vinhos",
                                                                 "rating": "E"})
    assert response.status_code == 422
    assert "Use A, B, C or D, or leave it empty." in response.text


def test_a_hostile_folder_name_is_shown_as_text(member_client, pipeline):
    folder = ClientFactory(name=HOSTILE)
    LeadFactory(stage=pipeline.stages[0], client=folder)
    for url in ("/clients", f"/clients/{folder.id}"):
        html = member_client.get(url).text
        assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_lead_goes_into_a_new_folder_named_after_its_company(member_client, pipeline):
    item = LeadFactory(stage=pipeline.stages[0], company="Tipografia Milanese")
    response = member_client.post(f"/leads/{item.id}/client", data={"client_id": "new"})
    assert response.status_code == 302
    assert reload(item).client.name == "Tipografia Milanese"


def test_putting_a_lead_in_a_folder_that_does_not_exist_is_refused(member_client, pipeline):
    item = LeadFactory(stage=pipeline.stages[0])
    response = member_client.post(f"/leads/{item.id}/client", data={"client_id": "99999"})
    assert response.status_code == 422
    assert "There is no client folder with this id." in response.text


def test_deleting_a_folder_keeps_its_leads(manager_client, pipeline):
    folder = ClientFactory(name="Gone")
    item = LeadFactory(stage=pipeline.stages[0], client=folder)
    assert manager_client.post(f"/clients/{folder.id}/delete").status_code == 302
    assert reload(item).client_id is None


def test_members_may_not_delete_folders(member_client):
    folder = ClientFactory(name="Kept")
    assert member_client.post(f"/clients/{folder.id}/delete").status_code == 403
    assert db.session.get(Client, folder.id) is not None


def test_an_unknown_folder_is_404(member_client):
    assert member_client.get("/clients/424242").status_code == 404
