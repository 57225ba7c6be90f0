"""Objects made from rows already in hand behave as if read from the database."""

from __future__ import annotations

from sqlalchemy import inspect, select

from kanban.extensions import db
from kanban.models import Lead, Pipeline, Stage
from kanban.services.as_read import as_read, from_row, read_columns
from tests.factories import LeadFactory, PipelineFactory


def stage_with_pipeline(stage_id: int):
    return db.session.connection().execute(
        select(*read_columns(Stage), *read_columns(Pipeline))
        .outerjoin(Pipeline, Pipeline.id == Stage.pipeline_id).where(Stage.id == stage_id)
    ).one()


def test_a_row_gives_the_objects_an_orm_query_gives(app):
    stage = PipelineFactory(stages=["New", "Won"]).stages[1]
    db.session.commit()
    row = stage_with_pipeline(stage.id)
    made = from_row(Stage, row)
    columns = [prop.key for prop in inspect(Stage).column_attrs]
    assert {key: getattr(made, key) for key in columns} == {
        key: getattr(stage, key) for key in columns}
    assert from_row(Pipeline, row).name == stage.pipeline.name


def test_an_object_made_from_a_row_is_detached(app):
    stage = PipelineFactory(stages=["New"]).stages[0]
    made = from_row(Stage, stage_with_pipeline(stage.id))
    assert inspect(made).detached


def test_an_outer_join_that_found_nothing_gives_none(app):
    stage = PipelineFactory(stages=["New"]).stages[0]
    row = db.session.connection().execute(
        select(*read_columns(Stage), *read_columns(Lead))
        .outerjoin(Lead, Lead.stage_id == Stage.id).where(Stage.id == stage.id)).one()
    assert from_row(Lead, row) is None


def test_an_object_as_read_and_added_is_changed_like_any_other(app):
    lead = LeadFactory(title="Old title")
    db.session.commit()
    values = {prop.key: getattr(lead, prop.key) for prop in inspect(Lead).column_attrs}
    db.session.expunge(lead)
    copy = as_read(Lead, values)
    db.session.add(copy)
    copy.title = "New title"
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Lead, lead.id)
    assert (stored.title, stored.version) == ("New title", values["version"] + 1)


def test_columns_left_out_are_read_when_first_used(app):
    lead_id = LeadFactory(title="Cloud backup").id
    db.session.commit()
    db.session.expunge_all()
    copy = as_read(Lead, {"id": lead_id})
    db.session.add(copy)
    assert copy.title == "Cloud backup"
