"""Lead events reach the subscribed addresses signed, are retried with back-off, logged,
and an address that keeps failing is paused with a notice to the admins."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
from kanban_webhooks import delivery
from kanban_webhooks.models import Delivery, Subscription
from kanban_webhooks.signing import HEADER, verify
from sqlalchemy import select, update

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Notification
from kanban.models.base import utcnow
from kanban.services import leads as lead_service
from tests.factories import LeadFactory


@pytest.fixture
def lead(pipeline):
    found = LeadFactory(stage=pipeline.stages[0], title="Printer fleet")
    db.session.commit()
    return found


@pytest.fixture
def hook(receiver, admin) -> Subscription:
    return delivery.subscribe(receiver.url, ["won", "lost", "moved"], user=admin)


def deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def test_a_won_lead_reaches_the_address_signed_with_the_secret(hook, receiver, lead, member):
    lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()

    (got,) = receiver.wait_for(1)
    assert got.headers["Kanban-Event"] == "lead.won"
    assert verify(hook.secret, got.headers[HEADER], got.body, now=int(time.time()))
    assert got.json["lead"]["status"] == "won" and got.json["lead_id"] == lead.id


def test_a_signature_made_with_another_secret_or_long_ago_does_not_verify(hook, receiver,
                                                                         lead, member):
    lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()
    (got,) = receiver.wait_for(1)
    assert not verify("whsec_other", got.headers[HEADER], got.body, now=int(time.time()))
    assert not verify(hook.secret, got.headers[HEADER], got.body, now=int(time.time()) + 3600)
    assert not verify(hook.secret, got.headers[HEADER], got.body + b" ", now=int(time.time()))


def test_events_the_address_did_not_ask_for_are_not_sent(hook, receiver, lead, member):
    lead_service.add_note(lead, "Called.", user=member)
    assert delivery.deliver_due().queued == 0
    assert receiver.received == []


def test_events_from_before_the_subscription_are_not_sent(receiver, admin, lead, member):
    lead_service.close_lead(lead, "won", user=member)
    delivery.subscribe(receiver.url, ["won"], user=admin)
    assert delivery.deliver_due().queued == 0


def test_a_change_is_sent_right_after_it_is_committed_without_cron(app, hook, receiver, lead,
                                                                 member):
    app.config["WEBHOOKS_SEND_AT_ONCE"] = True
    lead_service.close_lead(lead, "lost", lost_reason="Price", user=member)
    (got,) = receiver.wait_for(1)
    assert got.json["event"] == "lead.lost"
    assert got.json["details"] == {"lost_reason": "Price"}


def test_a_500_is_tried_again_later_and_logged(hook, receiver, lead, member):
    receiver.answers = [500]
    lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()
    receiver.wait_for(1)
    (first,) = deliveries()
    assert (first.state, first.attempts, first.status_code) == ("pending", 1, 500)
    assert first.next_at >= first.created_at + timedelta(minutes=1)  # the first wait

    first.next_at = utcnow()
    db.session.commit()
    assert delivery.deliver_due().sent == 1
    assert len(receiver.wait_for(2)) == 2
    assert deliveries()[0].state == "sent"


def test_a_retry_waits_twice_as_long_as_the_one_before(hook, receiver, lead, member):
    receiver.answers = [503, 503]
    lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()
    waits = []
    for _attempt in range(2):
        item = deliveries()[0]
        waits.append(item.next_at - utcnow())
        item.next_at = utcnow()
        db.session.commit()
        delivery.deliver_due()
    assert round(waits[1] / waits[0]) == 2


def test_an_address_failing_through_every_retry_is_paused_and_admins_are_told(
        hook, receiver, admin, lead, member):
    receiver.answers = [500] * (len(delivery.RETRY_MINUTES) + 1)
    lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()
    for _retry in delivery.RETRY_MINUTES:
        item = deliveries()[0]
        item.next_at = utcnow()
        db.session.commit()
        delivery.deliver_due()

    db.session.expire_all()
    assert deliveries()[0].state == "failed"
    paused = db.session.get(Subscription, hook.id)
    assert not paused.active and "HTTP 500" in paused.paused_reason
    told = db.session.scalars(select(Notification).where(Notification.user_id == admin.id))
    assert [n.kind for n in told] == ["webhook_paused"]


def test_many_events_failing_once_each_do_not_pause_an_address(hook, receiver, pipeline,
                                                               member):
    receiver.answers = [500] * 12
    for number in range(12):
        lead = LeadFactory(stage=pipeline.stages[0], title=f"Lead {number}")
        db.session.commit()
        lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()

    db.session.expire_all()
    assert db.session.get(Subscription, hook.id).active  # each still has its retries to come
    assert {item.state for item in deliveries()} == {"pending"}


def test_a_paused_address_gets_nothing_until_resumed(hook, receiver, lead, member):
    delivery.pause(hook, "by hand")
    lead_service.close_lead(lead, "won", user=member)
    delivery.deliver_due()
    assert receiver.received == []

    delivery.resume(db.session.get(Subscription, hook.id))
    delivery.deliver_due()
    assert len(receiver.wait_for(1)) == 1


def test_two_rounds_at_once_send_a_delivery_once(hook, receiver, lead, member):
    lead_service.close_lead(lead, "won", user=member)
    delivery.queue_new_events()
    (item,) = deliveries()
    assert delivery.send(item.id) == "sent"
    assert delivery.send(item.id) is None
    assert len(receiver.received) == 1


def test_a_test_ping_is_sent_at_once(hook, receiver):
    sent = delivery.send_test(hook)
    assert sent.state == "sent" and receiver.received[0].json["event"] == "ping"


def a_closed_port() -> int:
    """A port on loopback that refuses connections: nothing listens once it is closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def refusing_hook(admin) -> Subscription:
    return delivery.subscribe(f"http://127.0.0.1:{a_closed_port()}/hook", ["won"], user=admin)


def test_a_test_ping_the_address_refuses_fails_at_once(refusing_hook):
    sent = delivery.send_test(refusing_hook)
    assert (sent.state, sent.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in sent.error


def test_a_failed_test_ping_is_not_tried_again_by_later_rounds(hook, receiver):
    receiver.answers = [500]
    failed = delivery.send_test(hook)
    db.session.execute(update(Delivery).values(next_at=utcnow() - timedelta(hours=1)))
    db.session.commit()

    done = delivery.deliver_due()

    assert (done.sent, done.retrying) == (0, 0)
    assert len(receiver.received) == 1
    (ping,) = deliveries()
    assert (ping.id, ping.state, ping.status_code) == (failed.id, "failed", 500)


def test_a_failed_test_ping_does_not_count_toward_pausing_the_webhook(refusing_hook):
    delivery.send_test(refusing_hook)
    db.session.expire_all()
    assert db.session.get(Subscription, refusing_hook.id).failures_in_a_row == 0


def test_a_redirect_is_not_followed(hook, receiver, lead, member):
    receiver.answers = [302]
    sent = delivery.send_test(hook)
    assert sent.state == "failed" and sent.status_code == 302
    assert len(receiver.received) == 1


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://10.0.0.5/hook", "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://localhost/hook",
])
def test_private_and_local_addresses_are_refused(app, admin, url):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    with pytest.raises(ValidationError) as refused:
        delivery.subscribe(url, ["won"], user=admin)
    assert "private or local network" in refused.value.fields["url"]


@pytest.mark.parametrize("url, words", [
    ("", "Give the address"), ("ftp://example.com/x", "https://"),
    ("https://user:secret@example.com/x", "user name and password"),
    ("http://exa mple.com/hook", "not a web address"),
    ("https://example.com:99999/hook", "not a web address"),
])
def test_malformed_addresses_are_named(admin, url, words):
    with pytest.raises(ValidationError) as refused:
        delivery.subscribe(url, ["won"], user=admin)
    assert words in refused.value.fields["url"]


def test_an_address_saved_before_it_was_checked_fails_alone(hook, receiver, lead, member,
                                                             admin):
    broken = Subscription(url="http://exa mple.com/hook", events=["won"], secret="s",
                          last_event_id=hook.last_event_id, created_by=admin.id)
    db.session.add(broken)
    db.session.commit()
    lead_service.close_lead(lead, "won", user=member)

    done = delivery.deliver_due()

    assert (done.sent, done.retrying) == (1, 1)
    assert len(receiver.wait_for(1)) == 1
    failed = next(item for item in deliveries() if item.subscription_id == broken.id)
    assert failed.state == "pending" and "not a web address" in failed.error


def test_a_subscription_needs_an_event(receiver, admin):
    with pytest.raises(ValidationError) as refused:
        delivery.subscribe(receiver.url, [], user=admin)
    assert set(refused.value.fields) == {"events"}


def test_an_address_checked_again_before_sending_is_refused_when_private(app, hook, lead,
                                                                         member):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    sent = delivery.send_test(hook)
    assert sent.state == "failed" and "private or local network" in sent.error


def test_two_rounds_queueing_the_same_events_queue_them_once(hook, lead, member):
    lead_service.close_lead(lead, "won", user=member)
    seen = db.session.get(Subscription, hook.id).last_event_id
    assert delivery.queue_new_events() == 1
    db.session.execute(update(Subscription).values(last_event_id=seen))  # a stale reader
    db.session.commit()
    db.session.execute(update(Subscription).values(last_event_id=seen + 1))
    db.session.commit()
    assert delivery.queue_new_events() == 0
    assert len(deliveries()) == 1


def test_a_stages_own_webhook_hears_of_leads_entering_that_stage_only(receiver, admin,
                                                                      pipeline, member):
    proposal = pipeline.stages[2]
    delivery.subscribe(receiver.url, ["moved", "created"], user=admin, stage_id=proposal.id)
    entering = LeadFactory(stage=pipeline.stages[0], title="Entering")
    elsewhere = LeadFactory(stage=pipeline.stages[0], title="Elsewhere")
    db.session.commit()
    lead_service.move_lead(entering.id, stage_id=proposal.id, version=entering.version,
                           user=member)
    lead_service.move_lead(elsewhere.id, stage_id=pipeline.stages[1].id,
                           version=elsewhere.version, user=member)
    delivery.deliver_due()

    (got,) = receiver.wait_for(1)
    assert (got.json["event"], got.json["lead_id"]) == ("lead.moved", entering.id)
    assert got.json["stage_id"] == proposal.id


def test_an_unknown_stage_is_named(receiver, admin):
    with pytest.raises(ValidationError) as refused:
        delivery.subscribe(receiver.url, ["moved"], user=admin, stage_id="999999")
    assert set(refused.value.fields) == {"stage_id"}
