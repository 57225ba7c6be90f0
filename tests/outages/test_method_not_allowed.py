"""A method an address does not accept: 405 names the ones it does, in the Allow header."""

from __future__ import annotations

from tests.api.conftest import assert_error


def allowed(response) -> set[str]:
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_a_page_answers_405_with_allow(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert {"GET", "POST"} <= allowed(response)
    assert "This address does not accept that method." in response.get_data(as_text=True)


def test_the_api_answers_405_in_its_json_shape_with_allow(member_client, pipeline):
    response = member_client.put("/api/v1/leads", json={})
    assert_error(response, 405, "method_not_allowed")
    assert {"GET", "POST"} <= allowed(response)
    assert "PUT" not in allowed(response)


def test_a_method_the_address_accepts_is_served(member_client, pipeline):
    assert member_client.get("/api/v1/leads").status_code == 200
