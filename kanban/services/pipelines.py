"""Pipelines and their ordered stages."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Pipeline, Stage


def create_pipeline(name: str, stages: Sequence[str | tuple[str, bool]]) -> Pipeline:
    """Create a pipeline with stages in order; a (name, True) stage is a proposal stage."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Name the pipeline."), fields={"name": _("A name is needed.")})
    if not stages:
        raise ValidationError(_("A pipeline needs at least one stage."),
                              fields={"stages": _("Add a stage.")})
    position = (db.session.scalar(select(func.max(Pipeline.position))) or 0) + 1
    pipeline = Pipeline(name=name[:120], position=position)
    for index, stage in enumerate(stages):
        stage_name, is_proposal = (stage, False) if isinstance(stage, str) else stage
        pipeline.stages.append(Stage(name=stage_name[:120], position=index,
                                     is_proposal=is_proposal))
    db.session.add(pipeline)
    db.session.commit()
    return pipeline
