"""Many leads in one go: the one path of every bulk source."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kanban.errors import PermissionDenied
from kanban.extensions import db
from kanban.hookspecs import hookimpl
from kanban.models import Activity, Client, Lead
from kanban.services.lead_batches import create_leads
from kanban.services.lead_input import clean_lead_data
from kanban.services.ordering import column_order
from tests.core.test_duplicates import count_statements
from tests.factories import LeadFactory


def rows(*titles: str, **extra) -> list[dict]:
    return [clean_lead_data({"title": title, **extra}) for title in titles]


def test_leads_go_to_the_bottom_of_the_stage_in_their_order(pipeline):
    stage = pipeline.stages[0]
    first = LeadFactory(stage=stage)
    created = create_leads(rows("Ana", "Rui", "Eva"), stage=stage, user=None)
    assert column_order(stage.id) == [first.id, *created.ids]
    titles = db.session.scalars(select(Lead.title).where(Lead.id.in_(created.ids))).all()
    assert sorted(titles) == ["Ana", "Eva", "Rui"]


def test_each_lead_starts_its_timeline_with_its_source(pipeline, member):
    created = create_leads(rows("Ana"), stage=pipeline.stages[1], user=member, source="import")
    entry = db.session.scalars(select(Activity).where(Activity.lead_id == created.ids[0])).one()
    assert entry.author_id == member.id
    assert entry.payload == {"event": "created", "source": "import",
                             "stage_id": pipeline.stages[1].id}


def test_the_leads_get_the_teams_currency_their_tags_and_their_search_text(pipeline):
    created = create_leads(rows("Café Ñandú", tags=["fair", "fair", "2026"], phone="(912) 345 678"),
                           stage=pipeline.stages[0], user=None)
    lead = db.session.get(Lead, created.ids[0])
    assert lead.currency == "EUR"
    assert lead.tags == ["2026", "fair"]
    assert lead.search_text.startswith("cafe nandu")
    assert lead.phone_key == "912345678"


def test_client_folders_are_found_whatever_their_case_or_made_once(pipeline):
    acme = Client(name="Acme")
    db.session.add(acme)
    db.session.commit()
    created = create_leads(
        [{**row, "client_folder": name}
         for row, name in zip(rows("A", "B", "C"), ["ACME", "Nova Lda", "nova lda"], strict=True)],
        stage=pipeline.stages[0], user=None,
    )
    folders = db.session.execute(
        select(Lead.title, Client.name).join(Client).where(Lead.id.in_(created.ids))
        .order_by(Lead.title)).all()
    assert [tuple(row) for row in folders] == [("A", "Acme"), ("B", "Nova Lda"),
                                               ("C", "Nova Lda")]
    assert created.new_folders == {"nova lda"}


def test_a_member_cannot_give_new_leads_to_someone_else(pipeline, member, manager):
    with pytest.raises(PermissionDenied):
        create_leads(rows("Ana", owner_id=manager.id), stage=pipeline.stages[0], user=member)
    assert db.session.scalar(select(Lead.id)) is None


def test_a_batch_is_written_with_statements_per_table_not_per_lead(pipeline):
    titles = [f"L{n}" for n in range(300)]
    written = count_statements(lambda: create_leads(rows(*titles, tags=["x"]),
                                                    stage=pipeline.stages[0], user=None))
    assert written < len(titles) / 10  # the driver may split a long INSERT into pages


class BatchListener:
    def __init__(self):
        self.batches = []

    @hookimpl
    def kanban_leads_created(self, leads, user):
        self.batches.append([lead.title for lead in leads])

    @hookimpl
    def kanban_lead_created(self, lead, source, user):
        raise AssertionError("a plugin taking batches is not told lead by lead")


class OneByOneListener:
    def __init__(self):
        self.leads = []

    @hookimpl
    def kanban_lead_created(self, lead, source, user):
        self.leads.append((lead.title, source))


def test_plugins_hear_of_the_batch_once_or_of_each_lead(pipeline, register_plugin):
    batch, single = register_plugin(BatchListener()), register_plugin(OneByOneListener())
    create_leads(rows("Ana", "Rui"), stage=pipeline.stages[0], user=None, source="import")
    assert batch.batches == [["Ana", "Rui"]]
    assert single.leads == [("Ana", "import"), ("Rui", "import")]


def test_no_rows_write_nothing(pipeline):
    assert create_leads([], stage=pipeline.stages[0], user=None).ids == []
