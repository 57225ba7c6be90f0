"""Real answers, on every database, match the bodies the OpenAPI document promises."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup

from tests.api.conftest import bearer
from tests.factories import PipelineFactory


@pytest.fixture
def document(client):
    return schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json())


@pytest.fixture
def admin_api(api, admin):
    api.headers = bearer(admin)
    return api


@pytest.fixture
def full_lead(api, pipeline, member):
    return api.post("/leads", json={
        "title": "Everything", "value": 999999999999.99, "currency": "usd",
        "contact_name": "Ana", "company": "Acme", "email": "Ana@Example.com",
        "phone": "+351 1", "owner_id": member.id, "priority": "low", "tags": "a, b",
        "description": "Long story", "custom_fields": {"size": 12, "vip": True, "note": None},
        "next_action_kind": "standby",
        "next_action_date": (date.today() + timedelta(days=30)).isoformat(),
        "next_action_text": "Call", "stage_id": pipeline.stages[1].id,
    }).get_json()


def conforms(document, path: str, method: str, response) -> None:
    """Raise, naming every difference, unless the answer matches the document."""
    document[path][method].validate_response(response)


def test_a_lead_with_every_field_set_conforms(api, document, full_lead):
    response = api.get(f"/leads/{full_lead['id']}")
    assert response.get_json()["value"] == "999999999999.99"
    conforms(document, "/leads/{lead_id}", "GET", response)


def test_a_closed_lead_conforms(api, document, full_lead):
    response = api.post(f"/leads/{full_lead['id']}/close",
                        json={"status": "lost", "lost_reason": "Price"})
    assert response.get_json()["closed_at"]
    conforms(document, "/leads/{lead_id}/close", "POST", response)


def test_a_page_of_leads_conforms(api, document, full_lead):
    conforms(document, "/leads", "GET", api.get("/leads?status=all"))


def test_every_kind_of_activity_conforms(api, document, full_lead, pipeline):
    lead_id = full_lead["id"]
    api.post(f"/leads/{lead_id}/notes", json={"body": "Hello", "kind": "email"})
    api.patch(f"/leads/{lead_id}", json={"title": "Renamed"})
    api.post(f"/leads/{lead_id}/move", json={"stage_id": pipeline.stages[0].id, "version": 2})
    response = api.get(f"/leads/{lead_id}/activities")
    kinds = {activity["kind"] for activity in response.get_json()["activities"]}
    assert kinds == {"system", "email", "edit", "stage_change"}
    conforms(document, "/leads/{lead_id}/activities", "GET", response)


def test_a_conflict_conforms(api, document, full_lead, pipeline):
    response = api.post(f"/leads/{full_lead['id']}/move",
                        json={"stage_id": pipeline.stages[0].id, "version": 99})
    assert response.status_code == 409
    conforms(document, "/leads/{lead_id}/move", "POST", response)


def test_pipelines_and_stages_conform(admin_api, document, pipeline):
    PipelineFactory(stages=["Only"])
    conforms(document, "/pipelines", "GET", admin_api.get("/pipelines"))
    created = admin_api.post(f"/pipelines/{pipeline.id}/stages", json={"name": "Later"})
    conforms(document, "/pipelines/{pipeline_id}/stages", "POST", created)
    conforms(document, "/stages/{stage_id}", "GET",
             admin_api.get(f"/stages/{created.get_json()['id']}"))


def test_a_validation_error_conforms(api, document, pipeline):
    response = api.post("/leads", json={"title": ""})
    assert response.status_code == 422
    conforms(document, "/leads", "POST", response)


def test_a_schema_violation_is_caught(api, document, pipeline):
    """The check itself must fail on a body that breaks the promise."""
    response = api.get("/pipelines")
    response.set_data(b'{"pipelines": [{"id": "one"}]}')
    with pytest.raises(FailureGroup) as caught:
        document["/pipelines"]["GET"].validate_response(response)
    assert any('"one" is not of type "integer"' in str(e) for e in caught.value.exceptions)
