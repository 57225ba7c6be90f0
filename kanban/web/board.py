"""The board: one column per stage, cards that move by drag and drop or keyboard."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kanban.errors import NotFound, ValidationError
from kanban.links import url_template
from kanban.models import LeadStatus, Pipeline
from kanban.services import board as board_service
from kanban.services import outbox
from kanban.services.lead_views import view_marks
from kanban.services.pipelines import find_stage
from kanban.services.queries import LeadFilter, read_sort
from kanban.services.saved_views import list_saved_views
from kanban.services.users import people_with_leads
from kanban.templating import (
    card_badges,
    money_totals,
    slot,
    user_currency,
)
from kanban.web import bp
from kanban.web.cards import CardMaker


def total_text(totals: dict[str, Decimal]) -> str:
    """Format a column's total; leads in several currencies show one sum per currency."""
    return money_totals(totals, user_currency())


def choose_pipeline(pipelines: list[Pipeline], pipeline_id: int | None) -> Pipeline:
    if pipeline_id is None:
        return pipelines[0]
    for pipeline in pipelines:
        if pipeline.id == pipeline_id:
            return pipeline
    raise NotFound(_("This pipeline does not exist (it may have been deleted)."))


def is_filtered(filters: LeadFilter) -> bool:
    """Tell whether the board hides some open leads (then only one neighbour is sent)."""
    return bool(set(filters.to_args()) - {"pipeline_id"})


def card_helpers(marks: Mapping[int, Any], badges: Mapping[int, list[Any]]) -> dict[str, Any]:
    """What the cards of a page need, made once per page instead of once per card."""
    return {
        "make_cards": CardMaker(marks, badges),
        "new_lead_url": url_template("web.new_lead", "stage_id"),
    }


def board_strings() -> dict[str, str]:
    """Words the board's script shows, in the person's language."""
    return {
        "picked": _("Picked up %(title)s. Arrow keys choose the stage and the place, "
                    "Enter drops, Escape cancels."),
        "position": _("%(stage)s, position %(position)s of %(count)s."),
        "zone": _("%(zone)s: press Enter to close the lead."),
        "dropped": _("%(title)s moved to %(stage)s."),
        "cancelled": _("Move cancelled; %(title)s is back where it was."),
        "saving": _("Saving…"),
        "closed_won": _("%(title)s is won. Well done!"),
        "closed_lost": _("%(title)s is marked as lost."),
        "network": _("The server could not be reached. The card is back where it was; "
                     "check your connection and try again."),
        "refused": _("The move was not saved: %(message)s"),
        "conflict": _("Someone else changed this column. It now shows the latest order."),
        "failed": _("Something went wrong; the card is back where it was. Try again."),
        "load_failed": _("More cards could not be loaded. Try again."),
        "loading": _("Loading…"),
        "load_more": _("Load more"),
        "reason_needed": _("Choose a reason or write one."),
        "won": _("Won"),
        "lost": _("Lost"),
    }


@bp.route("/board")
def board():
    return board_response(request.args)


def board_response(args: Mapping[str, Any], *, view_problem: ValidationError | None = None,
                   status: int = 200) -> tuple[str, int]:
    """Show the board the arguments filter; with ``view_problem``, say why a view was not
    saved next to the form that saves one."""
    pipelines = board_service.list_pipelines()
    if not pipelines:
        return render_template("web/empty.html", page="board"), status
    try:
        filters = LeadFilter.from_args(args)
        sort = read_sort(args)
    except ValidationError as exc:
        return render_board(pipelines, pipelines[0], None, args, errors=exc.fields,
                            view_problem=view_problem), status if view_problem else 400
    pipeline = choose_pipeline(pipelines, filters.pipeline_id)
    filters.pipeline_id = pipeline.id
    return render_board(pipelines, pipeline, filters, args, sort=sort,
                        view_problem=view_problem), status


def render_board(
    pipelines: list[Pipeline],
    pipeline: Pipeline,
    filters: LeadFilter | None,
    args: Mapping[str, Any],
    errors: dict[str, str] | None = None,
    sort: str | None = None,
    view_problem: ValidationError | None = None,
) -> str:
    columns = []
    badges: dict[int, list[Any]] = {}
    marks: dict[int, Any] = {}
    if filters is not None:
        columns = board_service.load_columns(
            pipeline.stages, filters, current_app.config["BOARD_PAGE_SIZE"], sort=sort,
            prospects_first=current_user.prospects_first,
        )
        shown = [lead for column in columns for lead in column.leads]
        badges = card_badges(shown, current_user)
        marks = view_marks(shown)
    active = filters or LeadFilter(pipeline_id=pipeline.id)
    args = active.to_args()
    # The address also carries the order of the cards, which is not a filter.
    shown_args = {**args, "sort": sort} if sort else args
    my_leads = active.owner_id == current_user.id
    my_args = {k: v for k, v in shown_args.items() if k != "owner_id"}
    if not my_leads:
        my_args["owner_id"] = str(current_user.id)
    return render_template(
        "web/board.html",
        page="board",
        pipeline=pipeline,
        pipelines=pipelines,
        columns=columns,
        filters=active,
        filter_errors=errors or {},
        filtered=is_filtered(active),
        sort=sort,
        query=shown_args,
        my_leads=my_leads,
        my_leads_url=url_for("web.board", **my_args),
        page_address=url_for("web.board", **shown_args),  # a view refused is shown on it
        movable=active.status in (LeadStatus.OPEN, "all"),
        toolbar=slot("board_toolbar", pipeline=pipeline, user=current_user,
                     filters=args),
        owners=people_with_leads(open_only=True),
        tags=board_service.list_tags(),
        total_text=total_text,
        strings=board_strings(),
        **card_helpers(marks, badges),
        lost_reasons=current_app.config["LOST_REASONS"],
        events_after=outbox.last_event_id(),  # the live board hears what comes after
        board_args=args,  # as typed, to fill the filter form
        saved_views=list_saved_views(current_user),
        view_query=urlencode(shown_args),
        view_problem=view_problem,
    )


@bp.route("/board/stages/<int:stage_id>/cards")
def board_cards(stage_id: int):
    """Return the next cards of one column as an HTML fragment (for "Load more")."""
    stage = find_stage(stage_id)
    filters = LeadFilter.from_args(request.args)
    sort = read_sort(request.args)
    filters.pipeline_id = stage.pipeline_id
    page = board_service.load_column_page(
        stage, filters, current_app.config["BOARD_PAGE_SIZE"], request.args.get("after") or None,
        sort=sort, prospects_first=current_user.prospects_first,
    )
    html = render_template(
        "web/_board_cards.html",
        leads=page.leads,
        **card_helpers(view_marks(page.leads), card_badges(page.leads, current_user)),
    )
    return html, 200, {"X-Next-After": page.next_after, "Cache-Control": "no-store"}


@bp.route("/board/totals")
def board_totals():
    """Return every column's count and total of the filtered board, formatted."""
    filters = LeadFilter.from_args(request.args)
    totals = board_service.column_totals(filters)
    return jsonify(
        {
            "columns": {
                str(stage_id): {"count": sums.count, "total": total_text(sums.totals),
                                "weighted": total_text(sums.weighted)}
                for stage_id, sums in totals.items()
            },
            "empty_total": total_text({}),
        }
    )
