"""Right after a lead changes: start a round of deliveries, when an address listens.

Every change asks, including each message piped to ``kanban mail ingest``: the question
needs one column of the subscriptions, not the sending (``kanban_webhooks.delivery``) nor
the plugin's models, whose mapping would cost such a command more than the answer.
"""

from __future__ import annotations

from sqlalchemy import Boolean, column, select, table

from kanban import jobs
from kanban.extensions import db
from kanban_webhooks.settings import send_at_once

ROUND = "webhooks.deliver"
# The subscriptions as far as the question goes (kanban_webhooks.models.Subscription).
SUBSCRIPTIONS = table("webhook_subscriptions", column("id"), column("active", Boolean))


def deliver_soon() -> None:
    """Send the new events in a background round (a job) right after the change."""
    if not send_at_once():
        return
    if not db.session.scalar(
            select(SUBSCRIPTIONS.c.id).where(SUBSCRIPTIONS.c.active).limit(1)):
        return
    jobs.start_round(ROUND)
