from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from kanban.api import bp
from kanban.api.serializers import pipeline_json, stage_json
from kanban.extensions import db
from kanban.models import Pipeline, Stage


@bp.get("/pipelines")
def list_pipelines():
    pipelines = db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id))
    return jsonify({"pipelines": [pipeline_json(p) for p in pipelines]})


@bp.get("/pipelines/<int:pipeline_id>")
def show_pipeline(pipeline_id: int):
    return jsonify(pipeline_json(db.get_or_404(Pipeline, pipeline_id)))


@bp.get("/stages/<int:stage_id>")
def show_stage(stage_id: int):
    return jsonify(stage_json(db.get_or_404(Stage, stage_id)))
