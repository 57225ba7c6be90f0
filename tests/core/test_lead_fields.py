"""The one table of lead fields: everything that lists lead fields follows it."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from kanban import lead_fields
from kanban.api.schemas import LEAD, LEAD_FIELDS
from kanban.models import Lead
from kanban.services.lead_input import CLEANERS, EDITABLE_FIELDS, TEXT_LIMITS
from kanban.web.forms import LeadForm
from kanban.web.leads import FIELD_LABELS
from kanban.web.leads import LEAD_FIELDS as FORM_POSTS

FIELDS = lead_fields.FIELDS


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_each_field_is_stored_on_the_lead(field):
    assert hasattr(Lead, field.name)


@pytest.mark.parametrize("field", [f for f in FIELDS if f.limit], ids=lambda f: f.name)
def test_a_text_limit_fits_its_column(field):
    column = Lead.__table__.columns[field.name]
    if isinstance(column.type, String) and column.type.length:
        assert field.limit <= column.type.length


def test_validation_knows_every_editable_field_and_its_limit():
    assert tuple(f.name for f in FIELDS if f.editable) == EDITABLE_FIELDS
    assert set(CLEANERS) == set(EDITABLE_FIELDS)
    assert {f.name: f.limit for f in FIELDS if f.limit} == TEXT_LIMITS


def test_the_api_accepts_exactly_the_editable_fields_and_sends_them_all():
    assert set(LEAD_FIELDS) == set(EDITABLE_FIELDS)
    assert {f.name for f in FIELDS} <= set(LEAD["properties"])
    assert {f.name for f in FIELDS} <= set(LEAD["required"])
    for field in FIELDS:
        if field.kind == lead_fields.TEXT and field.editable:
            assert LEAD_FIELDS[field.name]["maxLength"] == field.limit


def test_the_form_posts_its_fields_and_labels_them(app):
    with app.test_request_context():
        form = LeadForm(meta={"csrf": False})
        assert set(FORM_POSTS) <= {f.name for f in form}
    assert all(name in FIELD_LABELS for name in EDITABLE_FIELDS)


def test_the_lead_sent_by_the_api_carries_each_field(app, pipeline):
    from kanban.api.serializers import lead_json
    from tests.factories import LeadFactory

    sent = lead_json(LeadFactory(stage=pipeline.stages[0]))
    assert {f.name for f in FIELDS} <= set(sent)
    assert sent["custom_fields"] == {} and sent["next_action_time"] is None
