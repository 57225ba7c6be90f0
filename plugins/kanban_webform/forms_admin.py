"""Creating and changing forms: check what an admin or manager typed, then save it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from kanban.errors import PermissionDenied, ValidationError
from kanban.extensions import db
from kanban.i18n import team_or_page_language
from kanban.models import Stage, User
from kanban.models.base import utcnow
from kanban.services.owner_rules import read_rule, set_rule
from kanban.ui import OwnerRuleSource
from kanban_webform.cors import normalize_origin
from kanban_webform.fields import RESERVED, STANDARD_FIELDS, field_key
from kanban_webform.models import Submission, SubmissionStatus, WebForm
from kanban_webform.transliteration import to_latin

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
MAX_CUSTOM_FIELDS = 30


def require_form_manager(user: User) -> None:
    """Only admins and managers set up forms and review spam."""
    if not getattr(user, "is_manager", False):
        raise PermissionDenied(_("Only admins and managers manage web forms."))


def save_form(form: WebForm | None, data: MultiDict) -> WebForm:
    """Create a form (``form`` None) or change one from the settings page's fields."""
    values = clean_form_settings(data, form)
    if form is None:
        form = WebForm()
        db.session.add(form)
    rule, people = values.pop("owner_rule")
    for name, value in values.items():
        setattr(form, name, value)
    form.updated_at = utcnow()
    db.session.flush()  # a new form gets its id, which names its owner rule
    set_rule(form.owner_source, rule, people)
    db.session.commit()
    return form


def owner_rule_sources() -> list[OwnerRuleSource]:
    """Every form, as the source of an owner rule set on its settings page."""
    forms = db.session.scalars(select(WebForm).order_by(WebForm.name, WebForm.id))
    return [OwnerRuleSource(form.owner_source, _("Web form “%(name)s”", name=form.name),
                            url_for("webform_admin.edit", form_id=form.id))
            for form in forms]


def slug_from(name: str, form: WebForm | None = None) -> str:
    """An address for a form left without one, made from its name ("Contattaci!" gives
    contattaci, "Заявка" zayavka; a name with no letters to write in Latin gives form),
    not yet used by another form."""
    base = re.sub(r"[^a-z0-9]+", "-", to_latin(name)).strip("-")[:50].strip("-") or "form"
    taken = set(db.session.scalars(
        select(WebForm.slug).where(WebForm.slug.startswith(base),
                                   WebForm.id != (form.id if form else 0))))
    return next(slug for number in range(1, len(taken) + 2)
                if (slug := base if number == 1 else f"{base}-{number}") not in taken)


def clean_form_settings(data: MultiDict, form: WebForm | None = None) -> dict[str, Any]:
    """Check a form's settings; return them, or raise ValidationError naming every problem."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    values["name"] = (data.get("name") or "").strip()
    if not values["name"] or len(values["name"]) > 100:
        errors["name"] = _("Give the form a name of at most 100 characters.")
    values["heading"] = (data.get("heading") or "").strip()
    if len(values["heading"]) > 200:
        errors["heading"] = _("At most 200 characters.")
    values["slug"] = (data.get("slug") or "").strip().lower() or slug_from(values["name"], form)
    if not SLUG.match(values["slug"]):
        errors["slug"] = _("Use lowercase letters, digits and dashes, such as contact-us.")
    else:
        taken = db.session.scalar(
            select(func.count()).select_from(WebForm)
            .where(WebForm.slug == values["slug"], WebForm.id != (form.id if form else 0))
        )
        if taken:
            errors["slug"] = _("Another form already uses this address.")
    values["enabled"] = data.get("enabled") in ("1", "on", "true", "yes")
    values["fields"] = _fields(data, errors)
    values["stage_id"] = _stage_id(data, errors)
    try:
        values["owner_rule"] = read_rule(data)
    except ValidationError as exc:
        errors.update(exc.fields)
    tags = [tag.strip().lower() for tag in (data.get("tags") or "").split(",") if tag.strip()]
    if len(tags) > 20 or any(len(tag) > 64 for tag in tags):
        errors["tags"] = _("At most 20 tags of at most 64 characters.")
    values["tags"] = list(dict.fromkeys(tags))
    values["thank_you_message"] = (data.get("thank_you_message") or "").strip()[:2000]
    values["redirect_url"] = (data.get("redirect_url") or "").strip()
    if values["redirect_url"]:
        parts = urlsplit(values["redirect_url"])
        if parts.scheme not in ("http", "https") or not parts.netloc or len(
            values["redirect_url"]) > 500:
            errors["redirect_url"] = _("Use a full web address, such as https://example.com/thanks.")
    values["allowed_origins"] = _origins(data, errors)
    values["duplicate_days"] = _duplicate_days(data, errors)
    values["language"] = data.get("language") or team_or_page_language()
    if values["language"] not in current_app.config["LANGUAGES"]:
        errors["language"] = _("Choose one of the languages in the list.")
    if errors:
        raise ValidationError(_("Some settings need your attention."), fields=errors)
    return values


def _fields(data: MultiDict, errors: dict[str, str]) -> list[dict[str, Any]]:
    fields = [
        {"key": key, "label": str(label), "required": data.get(f"require_{key}") == "on",
         "custom": False}
        for key, (label, _limit) in STANDARD_FIELDS.items()
        if data.get(f"ask_{key}") == "on"
    ]
    keys = set()
    for line in (data.get("custom_fields") or "").splitlines():
        label = line.strip()
        required = label.endswith("*")
        label = label.rstrip("*").strip()
        if not label:
            continue
        key = field_key(label)
        if not key or key in RESERVED or key.startswith("hp_") or key in keys or len(label) > 100:
            errors["custom_fields"] = _(
                "“%(label)s” cannot be a field: use another name (each one once, "
                "at most 100 characters).", label=label)
            continue
        keys.add(key)
        fields.append({"key": key, "label": label, "required": required, "custom": True})
    if len(keys) > MAX_CUSTOM_FIELDS:
        errors["custom_fields"] = _("At most %(count)d extra fields.", count=MAX_CUSTOM_FIELDS)
    if not any(f["key"] in ("email", "phone") for f in fields if not f["custom"]):
        errors["fields"] = _("Ask for an email or a phone number, so that someone can answer.")
    return fields


def _stage_id(data: MultiDict, errors: dict[str, str]) -> int | None:
    try:
        stage = db.session.get(Stage, int(data.get("stage_id") or 0))
    except ValueError:
        stage = None
    if stage is None:
        errors["stage_id"] = _("Choose the stage new leads land in.")
        return None
    return stage.id


def _origins(data: MultiDict, errors: dict[str, str]) -> list[str]:
    origins = []
    for line in re.split(r"[\n,]+", data.get("allowed_origins") or ""):
        words = line.split()  # several addresses on a line, or one sentence?
        found = [normalize_origin(word) for word in words]
        if None in found:
            errors.setdefault("allowed_origins", _(
                "“%(text)s” is not a website address, such as https://www.example.com.",
                text=" ".join(words)[:100]))
            continue
        origins.extend(found)
    return list(dict.fromkeys(origins))[:50]


def _duplicate_days(data: MultiDict, errors: dict[str, str]) -> int | None:
    raw = (data.get("duplicate_days") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 3650:
        errors["duplicate_days"] = _("Use a number of days from 0 (never fold) to 3650.")
        return None
    return int(raw)


def form_statistics() -> dict[int, dict[str, Any]]:
    """Return, for every form, its submissions, leads created, spam caught and last one."""
    rows = db.session.execute(
        select(Submission.form_id, Submission.status, func.count(), func.max(Submission.created_at))
        .group_by(Submission.form_id, Submission.status)
    ).all()
    stats: dict[int, dict[str, Any]] = {}
    for form_id, status, count, last in rows:
        entry = stats.setdefault(form_id, {"submissions": 0, "leads": 0, "duplicates": 0,
                                           "spam": 0, "last": None})
        if status == SubmissionStatus.SPAM:
            entry["spam"] += count
        else:
            entry["submissions"] += count
            entry["leads" if status == SubmissionStatus.LEAD else "duplicates"] += count
            if last is not None and (entry["last"] is None or _aware(last) > entry["last"]):
                entry["last"] = _aware(last)
    return stats


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
