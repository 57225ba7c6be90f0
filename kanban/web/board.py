from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead, LeadStatus, Pipeline
from kanban.services.queries import LeadFilter, filter_leads
from kanban.templating import card_badges
from kanban.web import bp


@bp.route("/")
def index():
    return redirect(url_for("web.board"))


@bp.route("/board")
def board():
    pipelines = db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id)).all()
    if not pipelines:
        return render_template("web/empty.html", page="board")
    pipeline_id = request.args.get("pipeline", type=int) or pipelines[0].id
    pipeline = next((p for p in pipelines if p.id == pipeline_id), pipelines[0])
    filters = LeadFilter.from_args(request.args)
    filters.pipeline_id = pipeline.id
    leads = db.session.scalars(
        filter_leads(filters).where(Lead.status == LeadStatus.OPEN).order_by(Lead.rank)
    ).all()
    columns = {stage.id: [] for stage in pipeline.stages}
    for lead in leads:
        columns.setdefault(lead.stage_id, []).append(lead)
    return render_template(
        "web/board.html",
        pipeline=pipeline,
        pipelines=pipelines,
        columns=columns,
        filters=filters,
        badges=card_badges(leads, current_user),
        page="board",
    )
