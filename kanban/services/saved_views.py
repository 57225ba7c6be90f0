"""Saved views: a person keeps the board's filters under a name, and may share them."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload

from kanban.errors import NotFound, PermissionDenied, ValidationError
from kanban.extensions import db
from kanban.models import SavedView, User
from kanban.permissions import can
from kanban.services.queries import LeadFilter, read_sort
from kanban.text import has_unstorable, unstorable_message

NAME_LIMIT = 80
QUERY_LIMIT = 2000


def list_saved_views(user: User) -> list[SavedView]:
    """Return the views a person can open: their own and the team's shared ones, by name."""
    return list(db.session.scalars(_views_of(), {"user_id": user.id}))


@cache
def _views_of() -> Select:
    """Asked by every board, built once per process."""
    return (select(SavedView)
            .where(or_(SavedView.owner_id == bindparam("user_id"), SavedView.shared))
            .options(joinedload(SavedView.owner))
            .order_by(SavedView.name, SavedView.id))


def board_query(args: Mapping[str, Any]) -> str:
    """Return the board's filters and order as a clean query string; name a bad one."""
    try:
        filters = LeadFilter.from_args(args)
        sort = read_sort(args)
    except ValidationError as exc:
        raise ValidationError(
            _("These filters are not valid, so they cannot be saved."),
            fields={"query": "; ".join(f"{name}: {problem}"
                                       for name, problem in sorted(exc.fields.items()))},
        ) from None
    values = filters.to_args()
    if sort:
        values["sort"] = sort
    return urlencode(values)


def save_view(user: User, name: Any, query: Any, *, shared: bool = False) -> SavedView:
    """Save the board's filters (a query string) under a name, for the person."""
    name = _clean_name(name)
    query = query if isinstance(query, str) else ""
    if len(query) > QUERY_LIMIT:
        raise ValidationError(
            _("These filters are too long to save."),
            fields={"query": _("At most %(limit)d characters.", limit=QUERY_LIMIT)},
        )
    clean = board_query(dict(parse_qsl(query.lstrip("?"))))
    taken = db.session.scalar(
        select(SavedView.id).where(SavedView.owner_id == user.id, SavedView.name == name)
    )
    if taken is not None:
        raise ValidationError(
            _("You already have a view called %(name)s.", name=name),
            fields={"name": _("Choose another name.")},
        )
    view = SavedView(owner_id=user.id, name=name, query=clean, shared=bool(shared))
    db.session.add(view)
    db.session.commit()
    return view


def get_view(view_id: int, user: User) -> SavedView:
    """Return a view the person can see (their own or a shared one), else raise NotFound."""
    view = db.session.get(SavedView, view_id)
    if view is None or not (view.shared or view.owner_id == user.id):
        raise NotFound(_("This view does not exist (it may have been deleted)."))
    return view


def share_view(view: SavedView, user: User, shared: bool) -> SavedView:
    """Show the view to the whole team, or keep it to its owner again."""
    _require_owner(view, user)
    view.shared = bool(shared)
    db.session.commit()
    return view


def delete_view(view: SavedView, user: User) -> None:
    """Delete a view: its owner's (or a shared one of a colleague who left)."""
    _require_owner(view, user)
    db.session.delete(view)
    db.session.commit()


def may_change(view: SavedView, user: User) -> bool:
    """Only the person who saved a view changes it; a view a colleague who left shared is
    handled by whoever hands their leads over (a manager or an admin)."""
    return view.owner_id == user.id or (
        view.shared and not view.owner.active and can(user, "lead.reassign"))


def _require_owner(view: SavedView, user: User) -> None:
    if not may_change(view, user):
        raise PermissionDenied(
            _("Only %(name)s, who saved this view, can change or delete it.",
              name=view.owner.name)
        )


def _clean_name(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationError(_("Name the view."), fields={"name": _("A name is needed.")})
    if has_unstorable(name):
        raise ValidationError(
            _("This name contains a character that cannot be stored."),
            fields={"name": unstorable_message()},
        )
    if len(name) > NAME_LIMIT:
        raise ValidationError(
            _("This name is too long."),
            fields={"name": _("At most %(limit)d characters.", limit=NAME_LIMIT)},
        )
    return name
