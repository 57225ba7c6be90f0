"""Telling the admins that a webhook address keeps failing and was paused."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kanban.notify.store import notify
from kanban.services.users import active_users
from kanban.ui import NotificationKind
from kanban_webhooks.reasons import in_words

PAUSED = "webhook_paused"


def _text(payload: dict[str, Any]) -> str:
    return _("The webhook to %(url)s kept failing and is paused: %(reason)s",
             url=payload.get("url", ""), reason=in_words(payload.get("reason", "")))


# Only admins are told (webhooks are theirs): a member is not offered it on the profile.
KINDS = [NotificationKind(PAUSED, _l("A webhook keeps failing and is paused"), _text,
                         managers_only=True)]


def tell_paused(subscription: Any) -> None:
    notify(PAUSED, [person.id for person in active_users() if person.is_admin],
           payload={"url": subscription.url[:200], "reason": subscription.paused_reason},
           once_key=f"webhook-paused:{subscription.id}:{subscription.paused_at.isoformat()}")
