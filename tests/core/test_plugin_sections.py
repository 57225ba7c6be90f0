"""Plugins add agenda sections and API paths through hooks; the core lays them out."""

from __future__ import annotations

from kanban import hookimpl
from kanban.ui import AgendaItem, AgendaSection


class CallBacks:
    @hookimpl
    def kanban_ui_agenda_sections(self, user, owner_id):
        return [AgendaSection(
            key="visits", title="Visits to plan", total=3, more_url="/visits",
            items=[AgendaItem("Bakery on Rua Augusta", "/visits/1", detail="since Monday",
                              overdue=True)])]


class MoreApi:
    @hookimpl
    def kanban_openapi_paths(self):
        return {"/visits": {"get": {"operationId": "listVisits", "summary": "Visits.",
                                    "responses": {"200": {"description": "The visits."}}}}}

    @hookimpl
    def kanban_openapi_schemas(self):
        return {"Visit": {"type": "object"}}


def test_a_plugins_agenda_section_comes_after_the_follow_ups(member_client, register_plugin):
    register_plugin(CallBacks())
    page = member_client.get("/agenda").get_data(as_text=True)
    assert page.index("follow-ups-title") < page.index("4. Visits to plan")
    assert 'class="agenda-item is-overdue"' in page and "Bakery on Rua Augusta" in page
    assert "2 more are not shown here." in page


def test_a_plugins_api_paths_and_schemas_join_the_document(client, register_plugin):
    register_plugin(MoreApi())
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/visits"]["get"]["operationId"] == "listVisits"
    assert "Visit" in document["components"]["schemas"]
    assert "Lead" in document["components"]["schemas"]


class ManyCallBacks:
    @hookimpl
    def kanban_ui_agenda_sections(self, user, owner_id):
        return [AgendaSection(
            key="visits", title="Visits to plan", total=14039, more_url="/visits",
            items=[AgendaItem("Bakery on Rua Augusta", "/visits/1")])]


def test_a_large_count_is_written_with_its_digits_grouped_in_the_readers_language(
        member_client, register_plugin):
    register_plugin(ManyCallBacks())

    english = member_client.get("/agenda").get_data(as_text=True)
    russian = member_client.get("/agenda", headers={"Accept-Language": "ru"}).get_data(
        as_text=True)

    assert "14,038 more are not shown here." in english
    assert "Ещё 14\u00a0038 лидов здесь не показано." in russian
