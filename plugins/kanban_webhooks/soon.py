"""Right after a lead changes: start a round of deliveries, when an address listens.

Every change asks, including each message piped to ``kanban mail ingest``: the question
needs the subscriptions alone, not the sending (``kanban_webhooks.delivery``).
"""

from __future__ import annotations

from sqlalchemy import select

from kanban import jobs
from kanban.extensions import db
from kanban_webhooks.models import Subscription
from kanban_webhooks.settings import send_at_once

ROUND = "webhooks.deliver"


def deliver_soon() -> None:
    """Send the new events in a background round (a job) right after the change."""
    if not send_at_once():
        return
    if not db.session.scalar(select(Subscription.id).where(Subscription.active).limit(1)):
        return
    jobs.start_round(ROUND)
