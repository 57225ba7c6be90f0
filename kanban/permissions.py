"""Who may do what. Admins manage the team and pipelines; managers also reassign and
delete leads; members create, edit, comment on and move leads. Who may export leads is
a setting (EXPORT_ROLES), since an export carries the whole client base."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from kanban.errors import PermissionDenied
from kanban.models import Role, User

ACTIONS: dict[str, set[str]] = {
    "lead.create": {Role.ADMIN, Role.MANAGER, Role.MEMBER},
    "lead.edit": {Role.ADMIN, Role.MANAGER, Role.MEMBER},
    "lead.move": {Role.ADMIN, Role.MANAGER, Role.MEMBER},
    "lead.note": {Role.ADMIN, Role.MANAGER, Role.MEMBER},
    "lead.close": {Role.ADMIN, Role.MANAGER, Role.MEMBER},
    "lead.reassign": {Role.ADMIN, Role.MANAGER},
    "lead.delete": {Role.ADMIN, Role.MANAGER},
    "pipeline.manage": {Role.ADMIN},
    "user.manage": {Role.ADMIN},
}


def can(user: User | None, action: str) -> bool:
    """Tell whether the user may perform the action."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return user.role in ACTIONS[action]


def require(user: User | None, action: str) -> None:
    """Raise PermissionDenied unless the user may perform the action."""
    if not can(user, action):
        raise PermissionDenied(_("Your role does not allow this. Ask an admin or a manager."))


def can_export(user: User | None) -> bool:
    """Tell whether the user's role is one the EXPORT_ROLES setting lets export leads."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return user.role in current_app.config["EXPORT_ROLES"]


def require_export(user: User | None) -> None:
    """Raise PermissionDenied unless the user may export leads."""
    if not can_export(user):
        raise PermissionDenied(
            _("Exporting leads is kept to some roles, since an export carries the whole "
              "client base. Ask an admin for the file you need.")
        )


def can_give_lead_to(user: User | None, owner_id: int | None) -> bool:
    """Tell whether the user may make ``owner_id`` a lead's owner: themselves or nobody,
    or anyone with the right to reassign leads."""
    return owner_id is None or owner_id == getattr(user, "id", None) or can(
        user, "lead.reassign"
    )


def require_give_lead_to(user: User | None, owner_id: int | None) -> None:
    """Raise PermissionDenied unless the user may make ``owner_id`` a lead's owner."""
    if not can_give_lead_to(user, owner_id):
        raise PermissionDenied(
            _("Only a manager or an admin can give a lead to someone else. Keep yourself "
              "as the owner, or ask a manager to hand the lead over.")
        )
