"""Pages: the webhook, the ingestion log, the quarantine, a lead's thread, the dropbox."""

from __future__ import annotations

import hmac
import io
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from kanban.auth import csrf_exempt, public
from kanban.extensions import db
from kanban.services.leads import get_lead
from kanban.text import machine_text
from kanban_email_bcc import reasons
from kanban_email_bcc.dropbox import rotate_token
from kanban_email_bcc.ingest import (
    DUPLICATE,
    FAILED,
    IGNORED,
    QUARANTINED,
    REJECTED,
    STORED,
    ingest_message,
    max_message_bytes,
)
from kanban_email_bcc.lead_panel import activities_of
from kanban_email_bcc.models import (
    IngestionEntry,
    MailAttachment,
    MailMessage,
    QuarantinedMessage,
    can_open_quarantine,
)
from kanban_email_bcc.parsing import peek
from kanban_email_bcc.reprocess import reprocess, reprocess_all, still_quarantined

bp = Blueprint("email_bcc", __name__, url_prefix="/mail",
               template_folder=str(Path(__file__).parent / "templates"),
               static_folder=str(Path(__file__).parent / "static"),
               static_url_path="/static")
WEBHOOK_TYPES = ("message/rfc822", "application/octet-stream")
STATUS_BY_OUTCOME = {STORED: 201, DUPLICATE: 200, IGNORED: 200, QUARANTINED: 202, FAILED: 503}
PAGE_SIZE = 200


@bp.post("/inbound")
@public
@csrf_exempt
@machine_text  # a raw message, cleaned as it is parsed
def webhook():
    secret = current_app.config.get("EMAIL_BCC_WEBHOOK_SECRET") or ""
    if not secret:
        return _answer(404, "off", _("The mail webhook is off: set EMAIL_BCC_WEBHOOK_SECRET."))
    given = request.headers.get("X-Webhook-Secret", "")
    authorization = request.headers.get("Authorization", "")
    if not given and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given:
        return _answer(401, "unauthorized", _("Send the shared secret in X-Webhook-Secret."))
    if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
        return _answer(403, "forbidden", _("The shared secret is wrong."))
    if request.mimetype not in WEBHOOK_TYPES:
        return _answer(415, "unsupported_media_type",
                       _("Send the raw message as message/rfc822 or application/octet-stream."))
    request.max_content_length = max_message_bytes()
    raw = request.get_data(cache=False)
    result = ingest_message(raw, via="webhook",
                            recipients=request.args.getlist("recipient") or None,
                            mail_from=request.args.get("sender"))
    status = STATUS_BY_OUTCOME.get(result.outcome, 200)
    if result.outcome == REJECTED:
        status = 413 if result.reason.startswith("too large") else 404
    response = _answer(status, result.outcome, result.reason, lead_id=result.lead_id)
    if result.outcome == FAILED:
        response.headers["Retry-After"] = "60"
    return response


def _answer(status: int, outcome: str, reason: str, **extra) -> Response:
    response = jsonify({"outcome": outcome, "reason": reason, **extra})
    response.status_code = status
    return response


@bp.get("/log")
def log():
    query = select(IngestionEntry).order_by(IngestionEntry.id.desc()).limit(PAGE_SIZE)
    if not current_user.is_admin:
        query = query.where(IngestionEntry.user_id == current_user.id)
    entries = db.session.scalars(query).all()
    return render_template("email_bcc/log.html", entries=entries, page="email_bcc_log",
                           log_words=reasons.log_words, outcome_words=reasons.outcome_words,
                           via_words=reasons.via_words)


@bp.get("/quarantine")
def quarantine():
    _require_quarantine_access()
    items = db.session.scalars(
        select(QuarantinedMessage).order_by(QuarantinedMessage.id.desc()).limit(PAGE_SIZE)
    ).all()
    return render_template("email_bcc/quarantine.html", page="email_bcc_quarantine",
                           items=[(item, peek(item.raw)) for item in items],
                           reason_words=reasons.words, via_words=reasons.via_words)


@bp.get("/quarantine/<int:item_id>.eml")
def quarantined_raw(item_id: int):
    _require_quarantine_access()
    item = db.get_or_404(QuarantinedMessage, item_id)
    return Response(item.raw, mimetype="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="quarantine-{item.id}.eml"',
    })


@bp.post("/quarantine/<int:item_id>/retry")
def retry_quarantined(item_id: int):
    _require_quarantine_access()
    result = reprocess(db.get_or_404(QuarantinedMessage, item_id))
    _flash_retried([result])
    return redirect(url_for("email_bcc.quarantine"))


@bp.post("/quarantine/retry")
def retry_all_quarantined():
    _require_quarantine_access()
    _flash_retried([result for _item_id, result in reprocess_all()])
    return redirect(url_for("email_bcc.quarantine"))


def _flash_retried(results: list) -> None:
    left = still_quarantined(results)
    # Counts as labels: each number agrees with its own words in every language.
    flash(_("Tried again: %(num)s. Out of the quarantine: %(out)s. Still in it: %(left)s.",
            num=format_number(len(results)), out=format_number(len(results) - left),
            left=format_number(left)),
          "success" if not left else "warning")


@bp.get("/leads/<int:lead_id>")
def thread(lead_id: int):
    lead = get_lead(lead_id)
    messages = db.session.scalars(
        select(MailMessage)
        .where(MailMessage.lead_id == lead.id, MailMessage.status == STORED)
        .order_by(MailMessage.sent_at, MailMessage.id)
    ).all()
    return render_template("email_bcc/thread.html", lead=lead, messages=messages,
                           activities=activities_of(messages), page="email_bcc_thread")


@bp.get("/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    item = db.get_or_404(MailAttachment, attachment_id)
    if item.content is None:
        abort(404)
    # Always a download, never rendered: an attached HTML file must not run on our origin.
    # Its name as sent ("Orçamento.pdf", "Счёт.pdf"), for browsers that read RFC 5987.
    response = send_file(io.BytesIO(item.content), mimetype="application/octet-stream",
                         as_attachment=True, download_name=item.filename or "attachment")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/dropbox/rotate")
def rotate():
    rotate_token(current_user)
    flash(_("Your dropbox has a new address. The old one no longer works."), "success")
    return redirect(url_for("auth.profile"))


def _require_quarantine_access() -> None:
    if not can_open_quarantine(current_user):
        abort(403, description=_("Only an admin can see the quarantine and try its messages "
                                 "again."))
