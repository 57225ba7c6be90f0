"""The API finds leads whatever the case, accents and script: the leads list's ``q`` and
GET /api/v1/search."""

from __future__ import annotations

import pytest

from tests.core.test_search_text import SPELLINGS
from tests.factories import ClientFactory, LeadFactory


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_leads_list_text_filter_ignores_case_and_accents(api, pipeline, typed, stored):
    wanted = LeadFactory(stage=pipeline.stages[0], company=f"{stored} Ltd")
    LeadFactory(stage=pipeline.stages[0], title="Other", company="Other Ltd", contact_name="Z")

    response = api.get(f"/leads?q={typed}")

    assert [lead["id"] for lead in response.get_json()["leads"]] == [wanted.id]


@pytest.mark.parametrize(("typed", "stored"), SPELLINGS)
def test_search_finds_leads_folders_and_contacts(api, pipeline, typed, stored):
    lead = LeadFactory(stage=pipeline.stages[0], title=f"{stored} deal", contact_name="Ana")
    contact = LeadFactory(stage=pipeline.stages[0], title="Call", contact_name=f"{stored} K.",
                          email="k@example.com", phone="+1 555")
    folder = ClientFactory(name=f"{stored} SA", rating="B")

    body = api.get(f"/search?q={typed}").get_json()

    assert body["q"] == typed
    assert sorted(item["id"] for item in body["leads"]["items"]) == [lead.id, contact.id]
    assert body["leads"]["total"] == 2
    assert body["folders"] == {"total": 1, "items": [
        {"id": folder.id, "name": f"{stored} SA", "rating": "B", "matched": ["name"]}]}
    assert body["contacts"] == {"total": 1, "items": [
        {"name": f"{stored} K.", "email": "k@example.com", "phone": "+1 555",
         "lead_id": contact.id, "leads": 1, "matched": ["name"]}]}


def test_search_tells_which_fields_matched(api, pipeline):
    LeadFactory(stage=pipeline.stages[0], title="ВОЛГА", company="ООО Волга", contact_name="Ana")

    item = api.get("/search?q=волга").get_json()["leads"]["items"][0]

    assert item["matched"] == ["title", "company"]


def test_search_finds_a_contact_by_its_phones_digits(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], contact_name="Mario", email="",
                       phone="+39 333 123 4567")

    contacts = api.get("/search?q=3331234567").get_json()["contacts"]

    assert contacts == {"total": 1, "items": [
        {"name": "Mario", "email": "", "phone": "+39 333 123 4567", "lead_id": lead.id,
         "leads": 1, "matched": ["phone"]}]}


def test_search_without_text_finds_nothing(api, pipeline):
    LeadFactory(stage=pipeline.stages[0])

    body = api.get("/search?q=").get_json()

    assert [body[kind]["total"] for kind in ("leads", "folders", "contacts")] == [0, 0, 0]


def test_search_needs_a_login(client):
    assert client.get("/api/v1/search?q=x").status_code == 401

