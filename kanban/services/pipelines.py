"""Pipelines and their ordered stages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from kanban.errors import Conflict, NotFound, ServiceError, ValidationError
from kanban.extensions import db
from kanban.models import Lead, LeadStatus, Pipeline, Stage, User
from kanban.permissions import require
from kanban.plugins import get_hook
from kanban.services.ordering import lock_columns, ranks_at_top
from kanban.text import has_unstorable, unstorable_message

NAME_LIMIT = 120
MAX_STALE_DAYS = 365


def list_pipelines() -> list[Pipeline]:
    """Return every pipeline in board order."""
    return list(db.session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.id)))


def get_pipeline(pipeline_id: int) -> Pipeline:
    """Return the pipeline or raise NotFound."""
    pipeline = db.session.get(Pipeline, pipeline_id)
    if pipeline is None:
        raise NotFound(_("This pipeline does not exist (it may have been deleted)."))
    return pipeline


def find_stage(stage_id: int) -> Stage:
    """Return the stage or raise NotFound."""
    stage = db.session.get(Stage, stage_id)
    if stage is None:
        raise NotFound(_("This stage does not exist (it may have been deleted)."))
    return stage


def create_pipeline(
    name: str, stages: Sequence[str | tuple[str, bool]], *, user: User | None = None
) -> Pipeline:
    """Create a pipeline with stages in order; a (name, True) stage is a proposal stage."""
    if user is not None:
        require(user, "pipeline.manage")
    errors: dict[str, str] = {}
    try:
        name = _clean_name(name, "name", _("Name the pipeline."))
    except ValidationError as exc:
        errors.update(exc.fields)
    pairs = [_stage_pair(stage) for stage in stages or []]
    if problem := _stages_problem(pairs):
        errors["stages"] = problem
    if errors:
        raise ValidationError(_("Some fields need your attention."), fields=errors)
    position = (db.session.scalar(select(func.max(Pipeline.position))) or 0) + 1
    pipeline = Pipeline(name=name, position=position)
    for index, (stage_name, is_proposal) in enumerate(p for p in pairs if p[0]):
        pipeline.stages.append(Stage(name=stage_name, position=index, is_proposal=is_proposal))
    db.session.add(pipeline)
    db.session.commit()
    return pipeline


def rename_pipeline(pipeline: Pipeline, name: str, *, user: User | None = None) -> Pipeline:
    """Give a pipeline a new name."""
    if user is not None:
        require(user, "pipeline.manage")
    pipeline.name = _clean_name(name, "name", _("Name the pipeline."))
    db.session.commit()
    return pipeline


def delete_pipeline(pipeline: Pipeline, *, user: User | None = None) -> None:
    """Delete a pipeline and its stages; refuse while it holds leads."""
    if user is not None:
        require(user, "pipeline.manage")
    count = db.session.scalar(
        select(func.count(Lead.id)).join(Lead.stage).where(Stage.pipeline_id == pipeline.id)
    )
    if count:
        raise ValidationError(
            ngettext(
                "The pipeline %(name)s still holds %(num)d lead (open or closed). "
                "Move or delete it first.",
                "The pipeline %(name)s still holds %(num)d leads (open or closed). "
                "Move or delete them first.",
                count,
                name=pipeline.name,
            ),
            fields={"pipeline": _("Not empty.")},
        )
    for stage in sorted(pipeline.stages, key=lambda s: (s.position, s.id)):
        veto = stage_delete_veto(stage)
        if veto:
            message = _("The stage %(name)s cannot be deleted. %(reason)s",
                        name=stage.name, reason=veto)
            raise ValidationError(message, fields={"pipeline": veto})
    db.session.delete(pipeline)
    db.session.commit()


def add_stage(
    pipeline: Pipeline, name: str, *, is_proposal: bool = False, user: User | None = None
) -> Stage:
    """Add a stage at the end of a pipeline."""
    if user is not None:
        require(user, "pipeline.manage")
    name = _clean_name(name, "name", _("Name the stage."))
    _refuse_duplicate_stage(pipeline, name)
    position = max((stage.position for stage in pipeline.stages), default=-1) + 1
    stage = Stage(name=name, position=position, is_proposal=is_proposal)
    pipeline.stages.append(stage)
    db.session.commit()
    return stage


def rename_stage(stage: Stage, name: str, *, user: User | None = None) -> Stage:
    """Give a stage a new name."""
    if user is not None:
        require(user, "pipeline.manage")
    name = _clean_name(name, "name", _("Name the stage."))
    _refuse_duplicate_stage(stage.pipeline, name, stage)
    stage.name = name
    db.session.commit()
    return stage


def set_stage_proposal(stage: Stage, is_proposal: bool, *, user: User | None = None) -> Stage:
    """Mark a stage as holding proposals in progress (they come first), or unmark it."""
    if user is not None:
        require(user, "pipeline.manage")
    stage.is_proposal = bool(is_proposal)
    db.session.commit()
    return stage


def set_stage_stale_days(stage: Stage, days: Any, *, user: User | None = None) -> Stage:
    """Set after how many untouched days an open lead of the stage is stale (None: never)."""
    if user is not None:
        require(user, "pipeline.manage")
    if isinstance(days, str):
        days = int(days) if days.strip().isdigit() else (None if not days.strip() else days)
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_STALE_DAYS
    ):
        raise ValidationError(
            _("Stale after how many days? Use a whole number from 1 to %(max)d, or leave it "
              "empty.", max=MAX_STALE_DAYS),
            fields={"stale_days": _("From 1 to %(max)d days.", max=MAX_STALE_DAYS)},
        )
    stage.stale_days = days
    db.session.commit()
    return stage


def set_stage_win_probability(stage: Stage, percent: Any, *, user: User | None = None) -> Stage:
    """Set the chance, in percent (0 to 100), that a lead of the stage is won."""
    if user is not None:
        require(user, "pipeline.manage")
    if isinstance(percent, str):
        percent = int(percent.strip()) if percent.strip().isdigit() else percent
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError(
            _("Win probability: use a whole number from 0 to 100."),
            fields={"win_probability": _("From 0 to 100.")},
        )
    stage.win_probability = percent
    db.session.commit()
    return stage


def reorder_stages(pipeline: Pipeline, stage_ids: Any, *, user: User | None = None) -> Pipeline:
    """Put a pipeline's stages in the order given, left to right, by their ids."""
    if user is not None:
        require(user, "pipeline.manage")
    if not isinstance(stage_ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in stage_ids
    ):
        raise ServiceError(
            _("Send the stages' ids in their new order."),
            fields={"stage_ids": _("A list of stage ids.")},
        )
    stages = {stage.id: stage for stage in pipeline.stages}
    if len(set(stage_ids)) != len(stage_ids) or set(stage_ids) != set(stages):
        # Most often another admin added or deleted a stage since the page was loaded.
        raise Conflict(
            _("The stages of %(name)s have changed since this page was loaded. Reload it "
              "and drag again.", name=pipeline.name),
            fields={"stage_ids": _("Every stage of the pipeline, each once.")},
        )
    for position, stage_id in enumerate(stage_ids):
        stages[stage_id].position = position
    db.session.commit()
    db.session.refresh(pipeline, ["stages"])
    return pipeline


def move_stage(stage: Stage, direction: str, *, user: User | None = None) -> Stage:
    """Move a stage one place left ("up") or right ("down") in its pipeline."""
    if user is not None:
        require(user, "pipeline.manage")
    if direction not in ("up", "down"):
        raise ValidationError(
            _("Move a stage up or down."), fields={"direction": _("Use up or down.")}
        )
    stages = sorted(stage.pipeline.stages, key=lambda s: (s.position, s.id))
    index = stages.index(stage)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(stages):
        stages[index], stages[target] = stages[target], stages[index]
    for position, item in enumerate(stages):
        item.position = position
    db.session.commit()
    return stage


def delete_stage(stage: Stage, *, user: User | None = None) -> tuple[int, Stage | None]:
    """Delete a stage without open leads; refuse one that holds some, or is the pipeline's
    last. Its closed leads go to the stage before it (else after it), closed as they were,
    on the day they were closed. Return how many moved, and where."""
    if user is not None:
        require(user, "pipeline.manage")
    count = db.session.scalar(select(func.count(Lead.id)).where(
        Lead.stage_id == stage.id, Lead.status == LeadStatus.OPEN.value))
    if count:
        raise ValidationError(
            ngettext(
                "The stage %(name)s still holds %(num)d open lead. "
                "Move it to another stage first.",
                "The stage %(name)s still holds %(num)d open leads. "
                "Move them to another stage first.",
                count,
                name=stage.name,
            ),
            fields={"stage": _("Not empty.")},
        )
    pipeline = stage.pipeline
    if len(pipeline.stages) <= 1:
        raise ValidationError(
            _("A pipeline needs at least one stage. Add another before deleting this one."),
            fields={"stage": _("Last stage.")},
        )
    veto = stage_delete_veto(stage)
    if veto:
        raise ValidationError(veto, fields={"stage": veto})
    ordered = sorted(pipeline.stages, key=lambda s: (s.position, s.id))
    index = ordered.index(stage)
    neighbour = ordered[index - 1] if index > 0 else ordered[index + 1]
    moved = _move_closed_leads(stage, neighbour)
    name = stage.name
    pipeline.stages.remove(stage)
    for position, item in enumerate(item for item in ordered if item is not stage):
        item.position = position
    try:
        db.session.commit()
    except IntegrityError:
        # A card was moved into the stage after it was counted empty.
        db.session.rollback()
        raise Conflict(
            _("A card was just moved into the stage %(name)s. Move it to another stage, "
              "then delete the stage.", name=name),
            fields={"stage": _("Not empty.")},
        ) from None
    return moved, neighbour if moved else None


def _move_closed_leads(stage: Stage, to: Stage) -> int:
    """Put a stage's closed leads in another stage (at the top of its order: the board
    does not show them), each keeping its status and close date."""
    def closed() -> list[int]:
        return list(db.session.scalars(select(Lead.id).where(Lead.stage_id == stage.id)
                                        .order_by(Lead.rank)))

    if not closed():
        return 0  # most stages: nothing to move, no column to hold
    lock_columns([stage.id, to.id])
    closed_ids = closed()
    leads = Lead.__table__
    db.session.connection().execute(  # one statement, sent once per lead
        update(leads).where(leads.c.id == bindparam("lead"))
        .values(stage_id=to.id, rank=bindparam("new_rank")),
        [{"lead": lead_id, "new_rank": rank} for lead_id, rank
         in zip(closed_ids, ranks_at_top(to.id, len(closed_ids)), strict=True)])
    return len(closed_ids)


def stage_delete_veto(stage: Stage) -> str | None:
    """Ask the plugins whether a stage may go, alone or with its pipeline; return their
    refusal."""
    veto = get_hook("kanban_stage_delete_veto")(stage=stage)
    return str(veto) if veto else None


def _stage_pair(stage: Any) -> tuple[str, bool] | None:
    """Return (name, is_proposal) from a name or a (name, flag) pair; None when unusable."""
    if isinstance(stage, str):
        return stage.strip(), False
    if isinstance(stage, tuple | list) and len(stage) == 2 and isinstance(stage[0], str):
        return stage[0].strip(), bool(stage[1])
    return None


def _stages_problem(pairs: list[tuple[str, bool] | None]) -> str | None:
    if any(pair is None for pair in pairs):
        return _("Give each stage a name.")
    names = [name.casefold() for name, _flag in pairs if name]
    if not names:
        return _("Add at least one stage.")
    if any(len(name) > NAME_LIMIT for name in names):
        return _("A stage name has at most %(limit)d characters.", limit=NAME_LIMIT)
    if any(has_unstorable(name) for name in names):
        return _("A stage name contains a character that cannot be stored.")
    if len(set(names)) != len(names):
        return _("Two stages have the same name; give each its own.")
    return None


def _clean_name(name: str | None, field: str, missing: str) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationError(missing, fields={field: _("A name is needed.")})
    if has_unstorable(name):
        raise ValidationError(
            _("This name contains a character that cannot be stored."),
            fields={field: unstorable_message()},
        )
    if len(name) > NAME_LIMIT:
        raise ValidationError(
            _("This name is too long."),
            fields={field: _("At most %(limit)d characters.", limit=NAME_LIMIT)},
        )
    return name


def _refuse_duplicate_stage(pipeline: Pipeline, name: str, stage: Stage | None = None) -> None:
    for other in pipeline.stages:
        if other is not stage and other.name.casefold() == name.casefold():
            raise ValidationError(
                _("The pipeline already has a stage called %(name)s.", name=other.name),
                fields={"name": _("Choose another name.")},
            )
