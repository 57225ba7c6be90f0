"""The webhooks pages: admins only; add, test, pause, resume and delete an address."""

from __future__ import annotations

import socket

import pytest
from kanban_webhooks import delivery
from kanban_webhooks.models import Subscription
from sqlalchemy import select

from kanban.extensions import db
from kanban.services import leads as lead_service
from tests.factories import LeadFactory


def subscriptions() -> list[Subscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(Subscription)))


@pytest.fixture
def saved(admin_client, receiver) -> Subscription:
    admin_client.post("/webhooks", data={"url": receiver.url, "events": ["won", "lost"]})
    (found,) = subscriptions()
    return found


def test_members_and_managers_cannot_see_webhooks(member_client, manager_client):
    assert member_client.get("/webhooks").status_code == 403
    assert manager_client.post("/webhooks", data={"url": "https://x.example"}).status_code == 403


def test_an_admin_adds_an_address_and_sees_its_secret(admin_client, receiver):
    response = admin_client.post("/webhooks", data={"url": receiver.url,
                                                    "events": ["won", "lost"]})
    (found,) = subscriptions()
    assert response.status_code == 302
    assert found.events == ["won", "lost"] and found.active
    assert found.secret in admin_client.get(f"/webhooks/{found.id}").text


def test_a_refused_address_is_named_and_what_was_typed_kept(admin_client, app):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    response = admin_client.post("/webhooks", data={"url": "http://10.1.2.3/hook",
                                                    "events": ["won"]})
    assert response.status_code == 422
    assert 'data-field="url"' in response.text and "http://10.1.2.3/hook" in response.text
    assert subscriptions() == []


def test_no_event_chosen_is_named(admin_client, receiver):
    response = admin_client.post("/webhooks", data={"url": receiver.url})
    assert response.status_code == 422 and 'data-field="events"' in response.text


def test_send_a_test_says_whether_it_was_received(admin_client, saved, receiver):
    page = admin_client.post(f"/webhooks/{saved.id}/test", follow_redirects=True).text
    assert "The test was received (HTTP 200)." in page
    assert receiver.received[0].json["event"] == "ping"


def test_a_test_to_an_address_that_fails_says_why(admin_client, saved, receiver):
    receiver.answers = [500]
    page = admin_client.post(f"/webhooks/{saved.id}/test", follow_redirects=True).text
    assert ("The test was not received: The receiver had an error of its own (HTTP 500)."
            in page)


def test_a_test_to_an_address_where_nothing_listens_says_so_in_plain_words(admin_client, app):
    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    admin_client.post("/webhooks", data={"url": f"http://127.0.0.1:{port}/hook",
                                         "events": ["won"]})
    (saved,) = subscriptions()
    page = admin_client.post(f"/webhooks/{saved.id}/test", follow_redirects=True).text
    assert "Nothing answers at this address and port" in page
    assert "ConnectionRefusedError" in subscriptions()[0].deliveries[0].error  # kept as sent


def test_the_log_says_a_failure_in_the_readers_language_and_keeps_it_as_sent(
        admin_client, admin, saved, receiver):
    receiver.answers = [503]
    admin_client.post(f"/webhooks/{saved.id}/test")
    admin.locale = "it"
    db.session.commit()
    page = admin_client.get(f"/webhooks/{saved.id}").text
    assert "Il ricevente ha avuto un errore suo (HTTP 503)." in page
    assert 'title="HTTP 503 Service Unavailable"' in page


def test_the_log_says_a_failed_test_was_not_received_and_is_not_tried_again(
        admin_client, saved, receiver):
    receiver.answers = [503]
    admin_client.post(f"/webhooks/{saved.id}/test")
    page = admin_client.get(f"/webhooks/{saved.id}").text
    assert ("Not received (a test is not tried again): "
            "<span title=\"HTTP 503 Service Unavailable\">") in page
    assert "Tried again at" not in page and "Given up" not in page


def test_a_paused_webhooks_log_shows_its_deliveries_held_not_a_retry_time(
        admin_client, saved, receiver, pipeline, member):
    lead = LeadFactory(stage=pipeline.stages[0])
    db.session.commit()
    lead_service.close_lead(lead, "won", user=member)
    receiver.answers = [503]
    delivery.deliver_due()
    assert "Tried again at" in admin_client.get(f"/webhooks/{saved.id}").text
    admin_client.post(f"/webhooks/{saved.id}/pause")
    page = admin_client.get(f"/webhooks/{saved.id}").text
    assert "Held until the webhook is resumed" in page
    assert "Tried again at" not in page


def test_pause_and_resume(admin_client, saved):
    admin_client.post(f"/webhooks/{saved.id}/pause")
    assert not subscriptions()[0].active
    admin_client.post(f"/webhooks/{saved.id}/resume")
    assert subscriptions()[0].active


def test_delete(admin_client, saved):
    admin_client.post(f"/webhooks/{saved.id}/delete")
    assert subscriptions() == []


def test_an_unknown_webhook_is_404(admin_client):
    assert admin_client.get("/webhooks/999").status_code == 404


def test_the_api_document_describes_the_request_sent(client):
    document = client.get("/api/v1/openapi.json").get_json()
    body = document["webhooks"]["leadEvent"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert "lead.won" in body["properties"]["event"]["enum"]
    assert body["properties"]["lead"]["oneOf"][0] == {"$ref": "#/components/schemas/Lead"}


def test_an_admin_gives_a_stage_its_own_webhook(admin_client, receiver, pipeline):
    stage = pipeline.stages[2]
    admin_client.post("/webhooks", data={"url": receiver.url, "events": ["moved"],
                                         "stage_id": str(stage.id)})
    (found,) = subscriptions()
    assert found.stage_id == stage.id
    assert stage.name in admin_client.get(f"/webhooks/{found.id}").text


def test_a_member_is_not_offered_the_notice_of_a_paused_webhook(member_client, admin_client):
    assert "A webhook keeps failing and is paused" not in member_client.get("/profile").text
    assert "A webhook keeps failing and is paused" in admin_client.get("/profile").text
