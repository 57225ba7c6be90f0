"""Working a row: its status (to contact, call back later, not interested, became a lead),
the touches logged on it, who works it, and turning it into a lead in one step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from kanban.errors import Conflict, ValidationError
from kanban.extensions import db
from kanban.models import ActivityKind, Lead, Stage, User
from kanban.models.base import today, utcnow
from kanban.permissions import require
from kanban.services.duplicates import Contact, DuplicateFinder
from kanban.services.followup import furthest_day, too_far
from kanban.services.leads import add_note, create_lead
from kanban.services.users import get_user
from kanban.text import remove_unstorable
from kanban_prospects.lists import EXTRA, NAME_PARTS
from kanban_prospects.models import ProspectList, ProspectRow, ProspectTouch, RowStatus

SOURCE = "prospects"
REASON_LIMIT = 200
TOUCH_LIMIT = 20_000
TOUCH_KINDS = {ActivityKind.CALL: _l("Call"), ActivityKind.EMAIL: _l("Email"),
               ActivityKind.NOTE: _l("Note")}
STATUS_NAMES = {RowStatus.TO_CONTACT: _l("To contact"), RowStatus.CALL_BACK: _l("Call back later"),
                RowStatus.NOT_INTERESTED: _l("Not interested"),
                RowStatus.LEAD: _l("Became a lead"),
                RowStatus.NOTED: _l("Added to an open lead")}
# Offered when a prospect says no; any other reason may be typed.
REASONS = (_l("No budget"), _l("Already has a supplier"), _l("No need"),
           _l("Not the right person"), _l("Wrong number"))


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(_("Some fields need your attention."), fields={field: message})


def set_status(row: ProspectRow, status: str, *, user: User, call_back_on: date | None = None,
               reason: str = "") -> ProspectRow:
    """Say where a row stands. Calling back needs a date (today or later); not interested
    needs a reason. A row that became a lead stays one."""
    require(user, "lead.note")
    _refuse_if_on_a_lead(row)
    if status not in (RowStatus.TO_CONTACT, RowStatus.CALL_BACK, RowStatus.NOT_INTERESTED):
        raise _invalid("status", _("Choose a status from the list."))
    reason = remove_unstorable(reason or "").strip()
    if status == RowStatus.CALL_BACK:
        if call_back_on is None:
            raise _invalid("call_back_on", _("Say when to call back."))
        if call_back_on < today():
            raise _invalid("call_back_on", _("Choose today or a later day."))
        if call_back_on > furthest_day(today()):
            raise _invalid("call_back_on", too_far(today()))
    if status == RowStatus.NOT_INTERESTED and not reason:
        raise _invalid("reason", _("Say why, so the list's progress shows it."))
    if len(reason) > REASON_LIMIT:
        raise _invalid("reason", _("At most %(num)d characters.", num=REASON_LIMIT))
    row.status = status
    row.call_back_on = call_back_on if status == RowStatus.CALL_BACK else None
    row.reason = reason if status == RowStatus.NOT_INTERESTED else ""
    if status != RowStatus.TO_CONTACT and row.contacted_at is None:
        row.contacted_at = utcnow()
    row.updated_at = utcnow()
    db.session.commit()
    return row


def log_touch(row: ProspectRow, kind: str, body: str, *, user: User) -> ProspectTouch:
    """Keep a call, an email or a note on a row (carried to its lead, or to the lead it
    became, at once)."""
    require(user, "lead.note")
    if kind not in TOUCH_KINDS:
        raise _invalid("kind", _("Choose a call, an email or a note."))
    body = remove_unstorable(body or "").strip()
    if not body:
        raise _invalid("body", _("The note is empty."))
    if len(body) > TOUCH_LIMIT:
        raise _invalid("body", _("At most %(num)d characters.", num=TOUCH_LIMIT))
    touch = ProspectTouch(row_id=row.id, kind=kind, body=body, author_id=user.id)
    db.session.add(touch)
    row.contacted_at = row.contacted_at or utcnow()
    row.updated_at = utcnow()
    db.session.commit()
    if row.lead_id is not None:
        lead = db.session.get(Lead, row.lead_id)
        if lead is not None:
            add_note(lead, body, user=user, kind=kind)
    return touch


def touches(row: ProspectRow) -> list[ProspectTouch]:
    return list(db.session.scalars(select(ProspectTouch).where(ProspectTouch.row_id == row.id)
                                   .order_by(ProspectTouch.id)))


def assign(rows: Sequence[ProspectRow] | ProspectList, assignee_id: int | None, *,
           user: User) -> int:
    """Give rows (or a whole list's rows not yet leads) to a salesperson; managers only."""
    require(user, "lead.reassign")
    if assignee_id is not None:
        person = get_user(assignee_id)
        if not person.active:
            raise _invalid("assignee_id", _("This person has left the team."))
    if isinstance(rows, ProspectList):
        condition = ProspectRow.list_id == rows.id
    else:
        condition = ProspectRow.id.in_([row.id for row in rows])
    result = db.session.execute(
        update(ProspectRow).where(condition, ProspectRow.status.not_in(RowStatus.ON_A_LEAD))
        .values(assignee_id=assignee_id, updated_at=utcnow()),
        execution_options={"synchronize_session": False})
    db.session.commit()
    db.session.expire_all()
    return result.rowcount


def delete_list(plist: ProspectList, *, user: User) -> None:
    """Delete a list and its rows (its owner, a manager or an admin). Leads made from it
    stay: they are the pipeline's now."""
    if plist.owner_id != user.id:
        require(user, "lead.delete")
    db.session.delete(plist)
    db.session.commit()


def open_lead_for(row: ProspectRow) -> Lead | None:
    """The open lead that already has this row's email or phone (the core's one rule)."""
    if not (row.email or row.phone):
        return None
    found = DuplicateFinder().check([Contact(email=row.email, phone=row.phone, ref=row.id)])[0]
    if found is None or found.lead_id is None:
        return None
    lead = db.session.get(Lead, found.lead_id)
    return lead if lead is not None and lead.is_open else None


def lead_data(plist: ProspectList, row: ProspectRow) -> dict[str, Any]:
    """The new lead's fields: mapped columns fill their fields, extra columns become
    ``Label: value`` lines of its description."""
    data: dict[str, Any] = {}
    extras: list[str] = []
    parts: dict[str, str] = {}
    for column, cell in zip(plist.columns, row.cells, strict=False):
        field = column["field"]
        if not cell:
            continue
        if field == EXTRA:
            extras.append(f"{column['name']}: {cell}")
        elif field in NAME_PARTS:
            parts[field] = cell
        else:
            data.setdefault(field, cell)
    if "contact_name" not in data and parts:
        data["contact_name"] = " ".join(p for p in (parts.get("first_name"),
                                                      parts.get("last_name")) if p)
    data.setdefault("title", data.get("company") or data.get("contact_name")
                    or _("Row %(row)d of %(list)s", row=row.position, list=plist.name))
    data["title"] = data["title"][:200]
    if extras:
        data["description"] = "\n".join(extras)
    return data


def make_lead(row: ProspectRow, stage: Stage, *, user: User) -> Lead:
    """Turn a row into a lead in ``stage``: its fields, its extra columns, a timeline entry
    naming the list and row, the touches logged on it; the row then points at the lead.
    A second click finds the row already taken and is told so (409)."""
    require(user, "lead.create")
    _refuse_if_on_a_lead(row)
    plist = db.session.get(ProspectList, row.list_id)
    data = lead_data(plist, row)
    if row.assignee_id is not None:
        data["owner_id"] = row.assignee_id

    def claim(lead: Lead) -> list[Any]:
        taken = db.session.execute(
            update(ProspectRow).where(ProspectRow.id == row.id,
                                      ProspectRow.status.not_in(RowStatus.ON_A_LEAD))
            .values(status=RowStatus.LEAD, lead_id=lead.id, call_back_on=None,
                    contacted_at=row.contacted_at or utcnow(), updated_at=utcnow()),
            execution_options={"synchronize_session": False})
        if taken.rowcount != 1:
            raise Conflict(_("This row already became a lead."))
        return []

    lead = create_lead(data, user=user, source=SOURCE, stage=stage,
                       payload={"origin": {"name": plist.name, "row": row.position}},
                       records=claim)
    _carry_touches(row, lead)
    db.session.refresh(row)
    return lead


def note_on_lead(row: ProspectRow, lead_id: int | None, *, user: User) -> Lead:
    """Instead of a second lead for the same person: a note on their open lead naming the
    list and row, the row's touches carried there, and the row linked to that lead."""
    require(user, "lead.note")
    lead = db.session.get(Lead, lead_id) if lead_id is not None else None
    if lead is None or not lead.is_open:
        raise _invalid("existing_lead_id", _("That lead is closed now: make a new one."))
    _refuse_if_on_a_lead(row)
    plist = db.session.get(ProspectList, row.list_id)
    # Written when shown, in the reader's language (kanban.words).
    add_note(lead, "", user=user, kind=ActivityKind.SYSTEM,
             payload={"event": "origin", "origin": {"name": plist.name, "row": row.position}})
    row.status, row.lead_id, row.call_back_on = RowStatus.NOTED, lead.id, None
    row.contacted_at = row.contacted_at or utcnow()
    row.updated_at = utcnow()
    db.session.commit()
    _carry_touches(row, lead)
    return lead


def _refuse_if_on_a_lead(row: ProspectRow) -> None:
    """A row done with (made a lead, or noted on one) stays so: say which (409)."""
    if row.status == RowStatus.LEAD:
        raise Conflict(_("This row already became a lead."), lead_id=row.lead_id)
    if row.status == RowStatus.NOTED:
        raise Conflict(_("This row is already on an open lead."), lead_id=row.lead_id)


def _carry_touches(row: ProspectRow, lead: Lead) -> None:
    for touch in touches(row):
        author = db.session.get(User, touch.author_id) if touch.author_id else None
        add_note(lead, touch.body, user=author if author is not None and author.active else None,
                 kind=touch.kind, created_at=touch.created_at,
                 payload={"prospect_touch": touch.id})
