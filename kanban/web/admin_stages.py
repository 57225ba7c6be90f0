"""Admin page of pipelines: a stage's win probability and rules, and stages reordered by
dragging."""

from __future__ import annotations

from flask import flash, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from kanban.form_pages import form_on
from kanban.services import pipelines as pipeline_service
from kanban.services import stage_rules
from kanban.templating import percent
from kanban.web.admin import apply_change, bp


@bp.post("/stages/<int:stage_id>/probability")
@form_on("admin.pipelines")
def set_win_probability(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    typed = request.form.get("win_probability", "").strip()
    shown = percent(int(typed)) if typed.isdigit() else typed
    return apply_change(lambda: pipeline_service.set_stage_win_probability(
        stage, typed, user=current_user
    ), _("A lead in %(stage)s now counts as %(percent)s likely to be won.",
         stage=stage.name, percent=shown), typed_in=f"stage-{stage.id}-probability")


@bp.post("/stages/<int:stage_id>/rules")
@form_on("admin.pipelines")
def set_stage_rules(stage_id: int):
    stage = pipeline_service.find_stage(stage_id)
    return apply_change(lambda: stage_rules.set_stage_rules(stage, request.form, user=current_user),
                        _("The rules of %(stage)s are saved.", stage=stage.name),
                        typed_in=f"stage-{stage.id}-rules")


@bp.post("/pipelines/<int:pipeline_id>/stage-order")
def reorder_stages(pipeline_id: int):
    """Take the stages' new order from a drag on the page: {"stage_ids": [...]}, as JSON."""
    pipeline = pipeline_service.get_pipeline(pipeline_id)
    data = request.get_json(silent=True)
    stage_ids = data.get("stage_ids") if isinstance(data, dict) else None
    pipeline_service.reorder_stages(pipeline, stage_ids, user=current_user)
    flash(_("The stages of %(name)s are in their new order.", name=pipeline.name), "success")
    return jsonify({"stage_ids": [stage.id for stage in pipeline.stages]})
