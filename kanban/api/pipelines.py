"""Pipelines and stages: everyone reads them, admins change them."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from kanban.api import bp
from kanban.api.helpers import created, json_body, refuse_off_schema
from kanban.api.schemas import (
    MAX_STAGES,
    PIPELINE_CREATE,
    PIPELINE_UPDATE,
    STAGE_CREATE,
    STAGE_UPDATE,
)
from kanban.api.serializers import pipeline_json, stage_json
from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Pipeline
from kanban.permissions import require
from kanban.services import pipelines as pipeline_service


@bp.get("/pipelines")
def list_pipelines():
    pipelines = db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id))
    return jsonify({"pipelines": [pipeline_json(p) for p in pipelines]})


@bp.get("/pipelines/<int:pipeline_id>")
def show_pipeline(pipeline_id: int):
    return jsonify(pipeline_json(pipeline_service.get_pipeline(pipeline_id)))


@bp.get("/stages/<int:stage_id>")
def show_stage(stage_id: int):
    return jsonify(stage_json(pipeline_service.find_stage(stage_id)))


@bp.post("/pipelines")
def create_pipeline():
    require(current_user, "pipeline.manage")
    data = json_body()
    refuse_off_schema(data, PIPELINE_CREATE)
    pipeline = pipeline_service.create_pipeline(
        data.get("name"), _stage_list(data.get("stages")), user=current_user
    )
    location = url_for("api.show_pipeline", pipeline_id=pipeline.id)
    return created(pipeline_json(pipeline), location)


@bp.patch("/pipelines/<int:pipeline_id>")
def rename_pipeline(pipeline_id: int):
    require(current_user, "pipeline.manage")
    data = json_body()
    refuse_off_schema(data, PIPELINE_UPDATE)
    pipeline = pipeline_service.get_pipeline(pipeline_id)
    pipeline_service.rename_pipeline(pipeline, data.get("name"), user=current_user)
    return jsonify(pipeline_json(pipeline))


@bp.delete("/pipelines/<int:pipeline_id>")
def delete_pipeline(pipeline_id: int):
    require(current_user, "pipeline.manage")
    pipeline_service.delete_pipeline(pipeline_service.get_pipeline(pipeline_id), user=current_user)
    return "", 204


@bp.post("/pipelines/<int:pipeline_id>/stages")
def add_stage(pipeline_id: int):
    require(current_user, "pipeline.manage")
    data = json_body()
    refuse_off_schema(data, STAGE_CREATE)
    pipeline = pipeline_service.get_pipeline(pipeline_id)
    stage = pipeline_service.add_stage(
        pipeline, data.get("name"), is_proposal=_flag(data, "is_proposal"), user=current_user
    )
    return created(stage_json(stage), url_for("api.show_stage", stage_id=stage.id))


@bp.patch("/stages/<int:stage_id>")
def update_stage(stage_id: int):
    require(current_user, "pipeline.manage")
    data = json_body()
    refuse_off_schema(data, STAGE_UPDATE)
    stage = pipeline_service.find_stage(stage_id)
    is_proposal = _flag(data, "is_proposal") if "is_proposal" in data else None
    direction = data.get("move")
    if direction is not None and direction not in ("up", "down"):
        raise ValidationError(
            _("Move a stage up or down."), fields={"move": _("Use up or down.")}
        )
    if "name" in data:
        pipeline_service.rename_stage(stage, data["name"], user=current_user)
    if is_proposal is not None:
        pipeline_service.set_stage_proposal(stage, is_proposal, user=current_user)
    if "stale_days" in data:
        pipeline_service.set_stage_stale_days(stage, data["stale_days"], user=current_user)
    if "win_probability" in data:
        pipeline_service.set_stage_win_probability(stage, data["win_probability"],
                                                   user=current_user)
    if direction is not None:
        pipeline_service.move_stage(stage, direction, user=current_user)
    return jsonify(stage_json(stage))


@bp.delete("/stages/<int:stage_id>")
def delete_stage(stage_id: int):
    require(current_user, "pipeline.manage")
    pipeline_service.delete_stage(pipeline_service.find_stage(stage_id), user=current_user)
    return "", 204


def _flag(data: dict[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise ValidationError(
            _("Some fields need your attention."), fields={name: _("Use true or false.")}
        )
    return value


def _stage_list(value: Any) -> list[tuple[str, bool]]:
    """Return the stages of a new pipeline as (name, is_proposal), or name what is wrong."""
    problem = None
    if not isinstance(value, list) or not value:
        problem = _("Add at least one stage.")
    elif len(value) > MAX_STAGES:
        problem = _("At most %(count)d stages.", count=MAX_STAGES)
    stages = []
    for item in value if problem is None else []:
        if isinstance(item, str):
            stages.append((item, False))
        elif (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("is_proposal", False), bool)
        ):
            stages.append((item["name"], item.get("is_proposal", False)))
        else:
            problem = _("Give each stage as a name, or as {name, is_proposal}.")
    if problem:
        raise ValidationError(_("Some fields need your attention."), fields={"stages": problem})
    return stages
