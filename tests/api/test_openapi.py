"""The OpenAPI document describes every route of the API, and only those."""

from __future__ import annotations

import re

import pytest
from jsonschema_rs import Draft202012Validator

from tests.api.conftest import assert_error
from tests.factories import LeadFactory

METHODS = {"get", "post", "patch", "put", "delete"}


def api_routes(app) -> set[tuple[str, str]]:
    """Return (path, method) for every route of the api blueprint, in OpenAPI spelling."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
        routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def documented_routes(document: dict) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_public_json_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["openapi"].startswith("3.1")


def test_every_api_route_is_documented(app, document):
    assert api_routes(app) - documented_routes(document) == set()


def test_every_documented_operation_is_a_route(app, document):
    assert documented_routes(document) - api_routes(app) == set()


def test_every_operation_documents_its_errors_with_the_error_schema(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS or path == "/openapi.json":
                continue
            assert "401" in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]["$ref"]
                    assert schema.endswith("/Conflict" if status == "409" else "/Error")


def test_every_operation_documents_503_for_a_database_that_cannot_answer(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS and path != "/openapi.json":
                assert "503" in operation["responses"], (method, path)


def test_every_operation_with_a_body_documents_400_413_and_415(document):
    for item in document["paths"].values():
        for method, operation in item.items():
            if method in METHODS and "requestBody" in operation:
                assert {"400", "413", "415", "422"} <= set(operation["responses"])


def test_writes_ask_for_a_csrf_token_only_with_a_session(document):
    for item in document["paths"].values():
        for method, operation in item.items():
            if method in {"post", "patch", "delete"}:
                assert operation["security"] == [
                    {"bearerAuth": []}, {"sessionCookie": [], "csrfToken": []}
                ]
    assert set(document["components"]["securitySchemes"]) == {
        "bearerAuth", "sessionCookie", "csrfToken"
    }


def test_every_schema_reference_resolves(document):
    text = str(document)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in document["components"]["schemas"]


def test_documented_page_size_follows_the_configuration(app, client):
    app.config["API_MAX_PAGE_SIZE"] = 20
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = document["paths"]["/leads"]["get"]["parameters"]
    per_page = next(p for p in parameters if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 20


def test_a_lead_matches_the_documented_required_fields(api, document, pipeline):
    lead = api.post("/leads", json={"title": "Documented"}).get_json()
    schema = document["components"]["schemas"]["Lead"]
    assert set(lead) == set(schema["required"]) == set(schema["properties"])


def test_an_error_carries_exactly_code_message_and_fields(api):
    error = assert_error(api.get("/leads/1"), 404)
    assert set(error) == {"code", "message", "fields"}


@pytest.mark.parametrize(("value", "valid"), [(7, True), ("none", True), ("nobody", False),
                                              (0, False)])
def test_the_leads_list_documents_owner_id_none_for_the_leads_nobody_owns(document, value,
                                                                           valid):
    parameter = next(item for item in document["paths"]["/leads"]["get"]["parameters"]
                     if item["name"] == "owner_id")

    assert Draft202012Validator(parameter["schema"]).is_valid(value) is valid


def test_owner_id_none_lists_the_leads_nobody_owns(api, pipeline, member):
    LeadFactory(stage=pipeline.stages[0], owner=None, title="Nobody's")
    LeadFactory(stage=pipeline.stages[0], owner=member, title="Taken")

    leads = api.get("/leads?owner_id=none").get_json()["leads"]

    assert [lead["title"] for lead in leads] == ["Nobody's"]
