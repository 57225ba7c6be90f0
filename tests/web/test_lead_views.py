"""Leads as the board and the agenda read them (kanban.services.lead_views), on every database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from kanban import hookimpl
from kanban.extensions import db
from kanban.models import Lead
from kanban.services.lead_views import load_lead_views, view_marks
from kanban.services.priorities import priority_marks
from kanban.ui import Badge
from tests.factories import ClientFactory, LeadFactory
from tests.web.test_board import CountStatements


def views_of(ids: list[int]):
    return load_lead_views(select(Lead).where(Lead.id.in_(ids)).order_by(Lead.id))


def test_a_view_reads_as_its_lead(app, pipeline, member):
    stage = pipeline.stages[1]
    stage.stale_days = 3
    leads = [
        LeadFactory(stage=stage, owner=member, tags=["fair", "vip"], starred=True,
                    next_action_date=date.today() - timedelta(days=2)),
        LeadFactory(stage=pipeline.stages[0], value=None, company="", status="won"),
    ]
    db.session.commit()
    ids = [lead.id for lead in leads]
    db.session.expire_all()

    views = views_of(ids)

    today = date.today()
    for view, lead in zip(views, [db.session.get(Lead, i) for i in ids], strict=True):
        for name in ("id", "title", "value", "currency", "company", "contact_name", "email",
                     "status", "starred", "priority", "rank", "version", "next_action_date",
                     "next_action_kind", "touched_at", "owner_id", "stage_id", "source"):
            assert getattr(view, name) == getattr(lead, name), name
        assert view.stage is lead.stage
        assert view.owner is lead.owner
        assert view.owner_name == (lead.owner.name if lead.owner else None)
        assert view.tags == lead.tags
        assert view.is_open == lead.is_open
        assert view.is_overdue(today) == lead.is_overdue(today)
        assert view.is_stale(today) == lead.is_stale(today)
        assert view.days_untouched(today) == lead.days_untouched(today)


def test_what_a_view_did_not_read_comes_for_every_view_in_one_query(app, pipeline):
    folder = ClientFactory()
    leads = [LeadFactory(stage=pipeline.stages[0], description=f"Notes {n}", client=folder)
             for n in range(6)]
    db.session.commit()
    views = views_of([lead.id for lead in leads])

    with CountStatements() as counted:
        descriptions = [view.description for view in views]
        clients = [view.client for view in views]
        tags = [view.tags for view in views]

    assert descriptions == [f"Notes {n}" for n in range(6)]
    assert {client.id for client in clients} == {folder.id}
    assert tags == [[]] * 6
    # The leads (with their tags and their one client), then the views' tags: each asked
    # for once, whatever the number of views.
    assert len(counted.statements) == 4
    assert len([s for s in counted.statements if s.startswith("SELECT leads.")]) == 1


def test_view_marks_are_the_marks_priority_marks_works_out(app, pipeline):
    rated = ClientFactory(rating="B")
    won = LeadFactory(stage=pipeline.stages[0], status="won", email="buyer@client.example",
                      client=rated)
    leads = [
        LeadFactory(stage=pipeline.stages[0], email="buyer@client.example"),
        LeadFactory(stage=pipeline.stages[0], client=rated),
        LeadFactory(stage=pipeline.stages[0], priority=3),
        won,
    ]
    db.session.commit()

    views = views_of([lead.id for lead in leads])

    assert view_marks(views) == priority_marks(leads)


class ReadingPlugin:
    """A plugin that reads what the board does not: the description."""

    @hookimpl
    def kanban_ui_card_badges(self, leads, user):
        return {lead.id: [Badge(lead.description)] for lead in leads if lead.description}


def test_a_badge_plugin_reading_any_field_costs_a_fixed_number_of_queries(
    member_client, pipeline, register_plugin
):
    leads = [LeadFactory(stage=stage, description="Said <yes>")
             for stage in pipeline.stages for _n in range(3)]
    db.session.commit()
    member_client.get("/board")
    with CountStatements() as plain:
        member_client.get("/board")
    register_plugin(ReadingPlugin())

    with CountStatements() as counted:
        html = member_client.get("/board").text

    assert html.count('<span class="badge badge-neutral">Said &lt;yes&gt;</span>') == len(leads)
    # The leads the board shows, as ORM leads (with their tags), once for all of them.
    assert len(counted.statements) == len(plain.statements) + 2
