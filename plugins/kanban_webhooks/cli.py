"""``kanban webhooks deliver``: send what is waiting (cron, every minute)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from kanban_webhooks.delivery import deliver_due


@click.group("webhooks")
def webhooks_group() -> None:
    """Outbound webhooks."""


@webhooks_group.command("deliver")
@with_appcontext
def deliver_command() -> None:
    """Queue the new lead events and send the deliveries that are due (and retries)."""
    done = deliver_due()
    click.echo(f"{done.queued} event(s) queued; {done.sent} sent, {done.retrying} to retry, "
               f"{done.failed} given up.")
