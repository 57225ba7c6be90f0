"""Sending lead events to the subscribed addresses: queued from the core's event outbox,
signed, retried with exponential back-off, and paused when an address keeps failing.

``deliver_due`` does one round (queue what is new, send what is due). It runs as a
background job right after a lead changes (and again when a retry is due), and from
``kanban webhooks deliver`` (cron, every minute) for what is still waiting; a delivery is
claimed with a conditional UPDATE, so two rounds never send it twice.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from kanban import jobs
from kanban.api.serializers import lead_json
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Lead, LeadEvent, Stage, User
from kanban.models.base import utcnow
from kanban.services import outbox
from kanban_webhooks.addresses import AddressRefused, check_address
from kanban_webhooks.models import Delivery, Subscription
from kanban_webhooks.notifications import tell_paused
from kanban_webhooks.settings import timeout_seconds
from kanban_webhooks.signing import HEADER, new_secret, signature
from kanban_webhooks.soon import ROUND

log = logging.getLogger(__name__)

# The lead events an address can ask for, as the outbox names them.
EVENTS = outbox.KINDS
RETRY_MINUTES = (1, 2, 4, 8, 16, 32, 64, 128)  # after each failed attempt; then it fails
TEST_EVENT = "ping"  # an admin's test: sent once, its answer told at once, never retried
SEND_AT_ONCE = 50


def subscribe(url: str, events: Iterable[str], *, user: User | None,
              stage_id: Any = None) -> Subscription:
    """Add a subscription; it hears of events from now on (with ``stage_id``, only those
    that leave the lead in that stage: a stage's own webhook)."""
    chosen = [kind for kind in EVENTS if kind in set(events)]
    errors = {}
    stage = None
    if stage_id not in (None, ""):
        stage = db.session.get(Stage, int(stage_id)) if str(stage_id).isdigit() else None
        if stage is None:
            errors["stage_id"] = _("Choose a stage from the list.")
    try:
        url = check_address(url)
    except AddressRefused as exc:
        errors["url"] = str(exc)
    if not chosen:
        errors["events"] = _("Choose at least one event.")
    if errors:
        raise ValidationError(_("The webhook is not saved: see the fields marked below."),
                              fields=errors)
    subscription = Subscription(url=url, events=chosen, secret=new_secret(),
                                stage_id=stage.id if stage else None,
                                last_event_id=outbox.last_event_id(),
                                created_by=user.id if user else None)
    db.session.add(subscription)
    db.session.commit()
    return subscription


def resume(subscription: Subscription) -> None:
    """Start sending again; what waited is tried at once."""
    subscription.active, subscription.paused_at, subscription.paused_reason = True, None, ""
    subscription.failures_in_a_row = 0
    db.session.execute(update(Delivery).where(
        Delivery.subscription_id == subscription.id, Delivery.state == "pending",
    ).values(next_at=utcnow()))
    db.session.commit()


def pause(subscription: Subscription, reason: str) -> None:
    subscription.active, subscription.paused_at = False, utcnow()
    subscription.paused_reason = reason[:255]
    db.session.commit()


def event_body(event: LeadEvent) -> dict[str, Any]:
    """What a receiver gets for one lead event (described in the OpenAPI document)."""
    lead = db.session.get(Lead, event.lead_id) if event.kind != outbox.DELETED else None
    return {
        "event": f"lead.{event.kind}", "event_id": event.id,
        "occurred_at": outbox.event_json(event)["created_at"],
        "lead_id": event.lead_id, "pipeline_id": event.pipeline_id,
        "stage_id": event.stage_id, "actor_id": event.actor_id,
        "details": event.payload or {}, "lead": lead_json(lead) if lead else None,
    }


def queue_new_events() -> int:
    """Turn the outbox events no active subscription has looked at yet into deliveries.

    The cursor moves with a conditional UPDATE in the deliveries' own transaction: when
    two rounds read the same events, one queues them and the other's work is undone."""
    queued = 0
    for subscription_id, seen in db.session.execute(
        select(Subscription.id, Subscription.last_event_id).where(Subscription.active)
    ).all():
        while found := outbox.events_after(seen):
            subscription = db.session.get(Subscription, subscription_id)
            new = [Delivery(subscription_id=subscription_id, event=f"lead.{event.kind}",
                            event_id=event.id, body=event_body(event))
                   for event in found if event.kind in subscription.events
                   and subscription.stage_id in (None, event.stage_id)]
            moved = db.session.execute(
                update(Subscription).where(Subscription.id == subscription_id,
                                           Subscription.last_event_id == seen)
                .values(last_event_id=found[-1].id),
                execution_options={"synchronize_session": False},
            ).rowcount
            if not moved:  # another round got there first
                db.session.rollback()
                break
            db.session.add_all(new)
            db.session.commit()
            queued += len(new)
            seen = found[-1].id
    return queued


@dataclass
class Round:
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due() -> Round:
    """Queue what is new, then send what is due."""
    done = Round(queued=queue_new_events())
    due = db.session.scalars(
        select(Delivery.id).join(Subscription)
        .where(Delivery.state == "pending", Delivery.next_at <= utcnow(), Subscription.active)
        .order_by(Delivery.id).limit(SEND_AT_ONCE)
    ).all()
    db.session.commit()
    for delivery_id in due:
        outcome = send(delivery_id)
        if outcome is not None:
            setattr(done, outcome, getattr(done, outcome) + 1)
    return done


def send_test(subscription: Subscription) -> Delivery:
    """Send a ``ping`` at once, so an admin sees whether the address answers; a ping that
    is not received is failed there and then (the admin is told), not tried again later."""
    delivery = Delivery(subscription=subscription, event=TEST_EVENT, body={
        "event": TEST_EVENT, "event_id": None, "occurred_at": utcnow().isoformat(),
        "details": {"message": "A test from Kanban: this address receives its events."},
        "lead": None, "lead_id": None, "pipeline_id": None, "stage_id": None,
        "actor_id": None})
    db.session.add(delivery)
    db.session.commit()
    send(delivery.id)
    db.session.refresh(delivery)
    return delivery


def send(delivery_id: int) -> str | None:
    """Send one delivery if nobody else is; return sent, retrying or failed."""
    claimed = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.state == "pending")
        .values(state="sending"), execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    delivery = db.session.get(Delivery, delivery_id, populate_existing=True)
    subscription = delivery.subscription
    body = json.dumps(delivery.body, separators=(",", ":"), sort_keys=True).encode()
    started = time.monotonic()
    status, error = _post(subscription, delivery, body)
    delivery.duration_ms = int((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    delivery.status_code, delivery.error = status, error[:2000]
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.sent_at = "sent", utcnow()
        subscription.failures_in_a_row = 0
        db.session.commit()
        return "sent"
    if delivery.event == TEST_EVENT:  # the admin reads the answer now: nothing to retry;
        delivery.state = "failed"  # a webhook is paused for its events' failures, not this
        db.session.commit()
        return "failed"
    subscription.failures_in_a_row += 1
    outcome = "retrying"
    if delivery.attempts > len(RETRY_MINUTES):
        delivery.state, outcome = "failed", "failed"
    else:
        delivery.state = "pending"
        delivery.next_at = utcnow() + timedelta(minutes=RETRY_MINUTES[delivery.attempts - 1])
    db.session.commit()
    # Paused once a delivery failed through all its retries (about four hours) and nothing
    # was received meanwhile: an address down that long, not a passing hiccup.
    if (subscription.active and outcome == "failed"
            and subscription.failures_in_a_row >= delivery.attempts):
        pause(subscription, error or f"HTTP {status}")
        tell_paused(subscription)
    return outcome


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an order: following it could reach a private network."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(subscription: Subscription, delivery: Delivery, body: bytes) -> tuple[int | None, str]:
    try:
        check_address(subscription.url)
    except AddressRefused as exc:
        return None, str(exc)
    request = urllib.request.Request(subscription.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "Kanban-Webhooks/1",
        "Kanban-Event": delivery.event, "Kanban-Delivery": str(delivery.id),
        HEADER: signature(subscription.secret, int(time.time()), body),
    })
    try:
        with _opener.open(request, timeout=timeout_seconds()) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:  # ValueError: a bad URL
        reason = getattr(exc, "reason", exc)
        return None, f"{type(reason).__name__}: {reason}"


# ---------------------------------------------------------------------------
# In the app: a round right after a change, as a background job
# ---------------------------------------------------------------------------

def delivery_round(context: jobs.JobContext) -> dict[str, Any]:
    """One round; when deliveries wait to be tried again, the next round is set for the
    first of them (so retries need no cron where jobs run on a worker)."""
    done = deliver_due()
    next_at = db.session.scalar(
        select(func.min(Delivery.next_at)).join(Subscription)
        .where(Delivery.state == "pending", Subscription.active))
    if next_at is not None:
        jobs.start_round(ROUND, at=next_at)
    return {"queued": done.queued, "sent": done.sent, "retrying": done.retrying,
            "failed": done.failed,
            "message": _("Sent: %(sent)d; to retry: %(retrying)d; given up: %(failed)d",
                         sent=done.sent, retrying=done.retrying, failed=done.failed)}
