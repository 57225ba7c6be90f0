"""Many rows of one table written at the driver's speed, as a Core insert would write them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kanban.extensions import db
from kanban.models import Activity, Lead
from kanban.services.bulk_insert import COPY_FROM, insert_rows, with_defaults
from tests.factories import LeadFactory


def test_the_rows_hold_what_was_given_and_the_defaults_of_the_rest(pipeline):
    stage = pipeline.stages[0]
    insert_rows(Lead.__table__, [
        {"title": "Ana", "stage_id": stage.id, "rank": "a0", "value": Decimal("12.50")},
        {"title": "Rui", "stage_id": stage.id, "rank": "a1", "value": None},
    ])
    db.session.commit()
    ana, rui = db.session.scalars(select(Lead).order_by(Lead.rank)).all()
    assert (ana.title, ana.value, rui.title, rui.value) == ("Ana", Decimal("12.50"), "Rui", None)
    assert (ana.currency, ana.status, ana.custom_fields, ana.version) == ("EUR", "open", {}, 1)
    assert ana.created_at.tzinfo is not None


def test_the_new_ids_come_back_in_the_rows_order(pipeline):
    stage = pipeline.stages[0]
    LeadFactory(stage=stage, rank="0")
    ids = insert_rows(Lead.__table__, [{"title": title, "stage_id": stage.id, "rank": rank}
                                       for title, rank in (("B", "b"), ("A", "a"), ("C", "c"))],
                      with_ids=True)
    db.session.commit()
    titles = dict(db.session.execute(select(Lead.id, Lead.title)).all())
    assert [titles[lead_id] for lead_id in ids] == ["B", "A", "C"]


def test_a_whole_batch_comes_back_in_the_rows_order_with_its_values(pipeline):
    stage = pipeline.stages[0]
    rows = [{"title": f"Lead {n}", "stage_id": stage.id, "rank": f"b{COPY_FROM - n:04d}",
             "value": Decimal(n) / 4, "custom_fields": {"n": n, "name": "Иван"}}
            for n in range(COPY_FROM + 1)]
    ids = insert_rows(Lead.__table__, rows, with_ids=True)
    db.session.commit()
    stored = {lead.id: lead for lead in db.session.scalars(select(Lead))}
    assert [(stored[lead_id].title, stored[lead_id].value, stored[lead_id].custom_fields)
            for lead_id in ids] == [(row["title"], row["value"], row["custom_fields"])
                                    for row in rows]


def test_a_refused_row_in_a_whole_batch_is_raised_and_nothing_of_it_is_written(pipeline):
    stage = pipeline.stages[0]
    LeadFactory(stage=stage, rank="a")
    rows = [{"title": "Batch", "stage_id": stage.id, "rank": f"c{n:04d}"}
            for n in range(COPY_FROM)] + [{"title": "Batch", "stage_id": stage.id, "rank": "a"}]
    with pytest.raises(IntegrityError):
        insert_rows(Lead.__table__, rows)
    db.session.rollback()
    assert db.session.scalar(select(Lead.id).where(Lead.title == "Batch")) is None


def test_json_and_moments_are_read_back_as_written(pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    payload = {"event": "created", "names": ["Ana", "Иван"], "n": 2}
    insert_rows(Activity.__table__, [
        {"lead_id": lead.id, "kind": "system", "payload": payload, "created_at": moment},
        {"lead_id": lead.id, "kind": "system", "payload": payload, "created_at": moment},
    ])
    db.session.commit()
    entries = db.session.scalars(select(Activity).where(Activity.lead_id == lead.id)).all()
    assert [(entry.payload, entry.created_at) for entry in entries] == [(payload, moment)] * 2


def test_a_refused_row_is_raised_as_sqlalchemy_raises_it_and_nothing_is_written(pipeline):
    stage = pipeline.stages[0]
    LeadFactory(stage=stage, rank="a")
    with pytest.raises(IntegrityError):
        insert_rows(Lead.__table__, [{"title": "Same place", "stage_id": stage.id,
                                      "rank": "a"}])
    db.session.rollback()
    assert db.session.scalar(select(Lead.id).where(Lead.title == "Same place")) is None


def test_no_rows_write_nothing(pipeline):
    assert insert_rows(Lead.__table__, [], with_ids=True) == []


def test_one_row_comes_back_with_its_new_id(pipeline):
    stage = pipeline.stages[0]
    LeadFactory(stage=stage, rank="0")
    (lead_id,) = insert_rows(Lead.__table__, [{"title": "Ana", "stage_id": stage.id,
                                               "rank": "a"}], with_ids=True)
    db.session.commit()
    assert db.session.get(Lead, lead_id).title == "Ana"


def test_a_row_with_defaults_names_every_column_but_the_id(pipeline):
    row = with_defaults(Lead.__table__, {"title": "Ana", "stage_id": pipeline.stages[0].id})
    assert set(row) == {column.name for column in Lead.__table__.columns} - {"id"}
    assert (row["title"], row["status"], row["version"], row["custom_fields"],
            row["closed_at"]) == ("Ana", "open", 1, {}, None)


def test_a_row_with_defaults_keeps_the_values_it_was_given(pipeline):
    row = with_defaults(Lead.__table__, {"title": "Ana", "status": "won", "version": 3})
    assert (row["status"], row["version"]) == ("won", 3)
