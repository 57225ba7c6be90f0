"""Admins subscribe addresses to lead events and watch what was delivered."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.form_tokens import saved_once
from kanban.services.pipelines import list_pipelines
from kanban_webhooks import delivery
from kanban_webhooks.models import Delivery, Subscription
from kanban_webhooks.reasons import in_words
from kanban_webhooks.views import bp

LOG_SIZE = 50
# The lead events as an admin reads them.
EVENT_NAMES = {
    "created": _l("A lead is created"), "updated": _l("A lead is edited"),
    "noted": _l("A touch or a note is logged"), "moved": _l("A lead moves to another stage"),
    "won": _l("A lead is won"), "lost": _l("A lead is lost"),
    "cancelled": _l("A lead is cancelled"), "reopened": _l("A lead is reopened"),
    "deleted": _l("A lead is deleted"),
}


@bp.before_request
def admins_only() -> None:
    if not getattr(current_user, "is_admin", False):
        abort(403)


def stage_choices() -> list[tuple[int, str]]:
    """Every stage, named with its pipeline when there are several."""
    pipelines = list_pipelines()
    return [(stage.id, f"{pipeline.name} › {stage.name}" if len(pipelines) > 1 else stage.name)
            for pipeline in pipelines for stage in pipeline.stages]


def _subscription(subscription_id: int) -> Subscription:
    found = db.session.get(Subscription, subscription_id)
    if found is None:
        abort(404)
    return found


@bp.get("")
def index():
    return _render_index()


def _render_index(errors: dict[str, str] | None = None, typed: dict | None = None):
    subscriptions = db.session.scalars(select(Subscription).order_by(Subscription.id)).all()
    return render_template(
        "webhooks/index.html", page="webhooks", subscriptions=subscriptions,
        event_names=EVENT_NAMES, errors=errors or {}, stages=stage_choices(),
        typed=typed or {"url": "", "events": list(EVENT_NAMES), "stage_id": ""},
    )


@bp.post("")
@saved_once
def create():
    url, events = request.form.get("url", ""), request.form.getlist("events")
    stage_id = request.form.get("stage_id", "")
    try:
        subscription = delivery.subscribe(url, events, user=current_user, stage_id=stage_id)
    except ValidationError as exc:
        db.session.rollback()
        return _render_index(exc.fields, {"url": url, "events": events,
                                          "stage_id": stage_id}), 422
    flash(_("The webhook is saved. Give its secret to the receiver to check signatures."),
          "success")
    return redirect(url_for("webhooks.detail", subscription_id=subscription.id))


@bp.get("/<int:subscription_id>")
def detail(subscription_id: int):
    subscription = _subscription(subscription_id)
    log = db.session.scalars(
        select(Delivery).where(Delivery.subscription_id == subscription.id)
        .order_by(Delivery.id.desc()).limit(LOG_SIZE)
    ).all()
    return render_template("webhooks/detail.html", page="webhook", subscription=subscription,
                           log=log, event_names=EVENT_NAMES, log_size=LOG_SIZE,
                           failure_words=in_words, test_event=delivery.TEST_EVENT,
                           stage_name=dict(stage_choices()).get(subscription.stage_id))


@bp.post("/<int:subscription_id>/test")
def test(subscription_id: int):
    sent = delivery.send_test(_subscription(subscription_id))
    if sent.state == "sent":
        flash(_("The test was received (HTTP %(status)s).", status=sent.status_code), "success")
    else:
        reason = in_words(sent.error or f"HTTP {sent.status_code}")
        flash(_("The test was not received: %(reason)s", reason=reason), "error")
    return redirect(url_for("webhooks.detail", subscription_id=subscription_id))


@bp.post("/<int:subscription_id>/pause")
def pause(subscription_id: int):
    delivery.pause(_subscription(subscription_id), _("Paused by %(name)s",
                                                     name=current_user.name))
    flash(_("The webhook is paused: events wait until you resume it."), "success")
    return redirect(url_for("webhooks.detail", subscription_id=subscription_id))


@bp.post("/<int:subscription_id>/resume")
def resume(subscription_id: int):
    delivery.resume(_subscription(subscription_id))
    flash(_("The webhook is on again: what waited is sent now."), "success")
    return redirect(url_for("webhooks.detail", subscription_id=subscription_id))


@bp.post("/<int:subscription_id>/delete")
def delete(subscription_id: int):
    db.session.delete(_subscription(subscription_id))
    db.session.commit()
    flash(_("The webhook is deleted; its deliveries with it."), "success")
    return redirect(url_for("webhooks.index"))
