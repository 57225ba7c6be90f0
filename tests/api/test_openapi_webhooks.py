"""Plugins describe the requests they send in the OpenAPI document's webhooks section."""

from __future__ import annotations

from kanban import hookimpl


class Announcer:
    @hookimpl
    def kanban_openapi_webhooks(self):
        return {"dealSigned": {"post": {"summary": "A deal was signed.",
                                        "responses": {"200": {"description": "Received."}}}}}


def test_a_plugins_webhooks_are_in_the_document(client, register_plugin):
    register_plugin(Announcer())
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["webhooks"]["dealSigned"]["post"]["summary"] == "A deal was signed."


def test_without_webhooks_the_document_has_no_such_section(client):
    assert "webhooks" not in client.get("/api/v1/openapi.json").get_json()
