"""``kanban webhooks deliver``: send what is waiting (cron, every minute)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from kanban_webhooks.delivery import deliver_due


@click.group("webhooks")
def webhooks_group() -> None:
    """Outbound webhooks."""


@webhooks_group.command("deliver")
@with_appcontext
def deliver_command() -> None:
    """Queue the new lead events and send the deliveries that are due (and retries)."""
    done = deliver_due()
    click.echo(_("%(queued)d event(s) queued; %(sent)d sent, %(retrying)d to retry, %(failed)d "
                 "given up.", queued=done.queued, sent=done.sent, retrying=done.retrying,
                 failed=done.failed))
