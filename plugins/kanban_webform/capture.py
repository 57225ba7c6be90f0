"""Turning a visitor's submission into a lead, a note on an existing lead, or kept spam."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead, User
from kanban.models.base import utcnow
from kanban.plugins import get_hook
from kanban.services.bulk_insert import insert_rows
from kanban.services.followup import client_wrote
from kanban.services.leads import add_note, create_lead, first_stage
from kanban.text import remove_unstorable
from kanban_webform import NOTE_KIND
from kanban_webform.fields import STANDARD_FIELDS, Field, form_fields
from kanban_webform.models import Submission, SubmissionStatus, WebForm
from kanban_webform.notifications import tell_spam_held
from kanban_webform.settings import setting

# A visitor going Back to the form and sending it again does so within this time.
SENT_AGAIN_WITHIN = timedelta(hours=1)
LEAD_FIELDS = {"name": "contact_name", "email": "email", "phone": "phone",
               "company": "company", "message": "description"}


def capture(form: WebForm, values: dict[str, str], meta: dict[str, Any]) -> SubmissionStatus:
    """Store a checked submission: on the open lead with the same email or phone, else as a
    new lead. Return what it became."""
    duplicate = find_duplicate(form, values.get("email", ""), values.get("phone", ""))
    if duplicate is not None:
        lead_id = duplicate.id
        fold_into(duplicate, form, values, meta)
        _record(form, SubmissionStatus.DUPLICATE, values, meta, lead_id=lead_id)
        return SubmissionStatus.DUPLICATE

    def submission(lead: Lead) -> list[Submission]:  # written with the lead, one commit
        insert_rows(Submission.__table__, [{
            "form_id": form.id, "status": SubmissionStatus.LEAD.value, "lead_id": lead.id,
            "spam_reason": "", "values": values, "meta": meta}])
        return []

    create_from(form, values, meta, user=None, records=submission)
    return SubmissionStatus.LEAD


def was_received(form: WebForm, values: dict[str, str]) -> bool:
    """Tell whether the form took these very values in lately (a lead or a note on one)."""
    since = utcnow() - SENT_AGAIN_WITHIN
    kept = db.session.scalars(
        select(Submission.values)
        .where(Submission.form_id == form.id, Submission.created_at >= since,
               Submission.status.in_([SubmissionStatus.LEAD.value,
                                      SubmissionStatus.DUPLICATE.value]))
        .order_by(Submission.id.desc()).limit(100))
    return any(earlier == values for earlier in kept)


def record_spam(
    form: WebForm, data: dict[str, Any], meta: dict[str, Any], reason: str
) -> Submission:
    """Keep a submission that looks automated, for an admin to review."""
    values = {}
    for field in form_fields(form.fields):
        raw = data.get(field.key)
        if isinstance(raw, str | int | float) and not isinstance(raw, bool):
            values[field.key] = remove_unstorable(str(raw))[: field.limit]
    submission = _record(form, SubmissionStatus.SPAM, values, meta, spam_reason=reason[:64])
    tell_spam_held(form)
    return submission


def promote_spam(submission: Submission, user: User) -> tuple[Lead, SubmissionStatus]:
    """Bring a kept spam submission in as a person's (an admin decided it is one): on the
    open lead with the same email or phone, else as a new lead owned as the form's rule
    says, as if it had never been held. Return the lead and what the submission became."""
    form, values, meta = submission.form, submission.values, submission.meta
    duplicate = find_duplicate(form, values.get("email", ""), values.get("phone", ""))
    if duplicate is not None:
        fold_into(duplicate, form, values, meta)
        lead, status = duplicate, SubmissionStatus.DUPLICATE
    else:
        lead = create_from(form, values, meta, user=user, owner_by_rule=True)
        status = SubmissionStatus.LEAD
    submission.status = status.value
    submission.lead_id = lead.id
    db.session.commit()
    return lead, status


def find_duplicate(form: WebForm, email: str, phone: str = "") -> Lead | None:
    """Return the open lead with this email or phone (the core's one rule) active in the
    form's duplicate window."""
    days = form.duplicate_days
    if days is None:
        days = setting("WEBFORM_DUPLICATE_DAYS")
    if not (email or phone) or not days:
        return None
    return get_hook("kanban_lead_find_duplicate")(
        email=email.lower() or None, phone=phone or None,
        since=utcnow() - timedelta(days=days), open_only=True)


def fold_into(lead: Lead, form: WebForm, values: dict[str, str], meta: dict[str, Any]) -> None:
    """Add the submission to the lead's timeline and bring the lead back to *to do*."""
    submission = timeline_payload(form, values, meta, form_fields(form.fields))
    words = submission_words(submission)
    add_note(lead, words, user=None, kind=NOTE_KIND, payload={"web_form": submission})
    client_wrote(lead, values.get("message") or words)


def create_from(
    form: WebForm, values: dict[str, Any], meta: dict[str, Any], *, user: User | None,
    records: Callable[[Lead], list[Any]] | None = None, owner_by_rule: bool = False,
) -> Lead:
    """Create the lead a submission asks for, in the form's stage, with its owner: the
    form's owner rule's (``owner_by_rule``, or with no ``user``), else the user."""
    data: dict[str, Any] = {"title": lead_title(values), "tags": list(form.tags or [])}
    if owner_by_rule:
        data["owner_id"] = None  # the rule gives it, whoever let it in
    fields = form_fields(form.fields)
    for field in fields:
        value = values.get(field.key, "")
        if field.custom:
            if value:
                data.setdefault("custom_fields", {})[field.label] = value
        elif field.key in LEAD_FIELDS:
            data[LEAD_FIELDS[field.key]] = value
    stage = form.stage if form.stage_id else None
    submission = timeline_payload(form, values, meta, fields)
    return create_lead(
        data,
        user=user,
        source=form.source,
        stage=stage or first_stage(),
        note=submission_words(submission),
        payload={"web_form": submission},
        records=records,
        assign_by=form.owner_source,
    )


def lead_title(values: dict[str, Any]) -> str:
    """Name the card after the person and their company, else their email."""
    name, company = values.get("name", ""), values.get("company", "")
    title = " · ".join(part for part in (name, company) if part)
    return (title or values.get("email") or values.get("phone") or _("Web form submission"))[:200]


def submission_words(submission: dict[str, Any]) -> str:
    """A submission's timeline entry (its ``timeline_payload``) in the reader's words: the
    standard fields by their names in the reader's language, an extra field by the label
    the form gave it. Stored as the entry's body when written, and said again to each
    reader (``kanban_ui_timeline_text``)."""
    lines = [_("Web form “%(name)s”:", name=submission.get("form_name", ""))]
    for key, field in (submission.get("fields") or {}).items():
        if isinstance(field, dict) and field.get("value"):
            label = (str(STANDARD_FIELDS[key][0]) if key in STANDARD_FIELDS
                     else field.get("label") or key)
            lines.append(f"{label}: {field['value']}")
    if submission.get("page_url"):
        lines.append(_("Page: %(url)s", url=submission["page_url"]))
    return "\n".join(lines)


def timeline_payload(
    form: WebForm, values: dict[str, Any], meta: dict[str, Any], fields: list[Field]
) -> dict:
    """Describe the submission for the timeline: every field, when, where from, who sent it."""
    return {
        "form_id": form.id,
        "form_name": form.name,
        "fields": {field.key: {"label": field.label, "value": values.get(field.key, "")}
                   for field in fields},
        **{key: meta.get(key, "") for key in ("submitted_at", "page_url", "referrer", "ip",
                                               "user_agent", "via")},
    }


def _record(
    form: WebForm,
    status: SubmissionStatus,
    values: dict[str, Any],
    meta: dict[str, Any],
    *,
    lead_id: int | None = None,
    spam_reason: str = "",
) -> Submission:
    submission = Submission(form_id=form.id, status=status.value, lead_id=lead_id,
                            spam_reason=spam_reason, values=values, meta=meta)
    db.session.add(submission)
    db.session.commit()
    return submission

