"""A form's owner rule: each chosen person in turn (the core keeps the rule)."""

from __future__ import annotations

from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.factories import UserFactory
from tests.webform.factories import WebFormFactory
from tests.webform.helpers import post_form


def test_round_robin_gives_each_chosen_person_a_turn(client, pipeline):
    ana, rui, eva = UserFactory(), UserFactory(), UserFactory()
    WebFormFactory(slug="quote", stage=pipeline.stages[0], owner_rule="round_robin",
                   round_robin_user_ids=[ana.id, rui.id, eva.id])
    for i in range(6):
        post_form(client, {"name": f"Visitor {i}", "email": f"v{i}@example.com"}, slug="quote")
    owners = [lead.owner_id for lead in db.session.scalars(select(Lead).order_by(Lead.id))]
    assert owners == [ana.id, rui.id, eva.id, ana.id, rui.id, eva.id]


def test_round_robin_skips_people_who_left_the_team(client, pipeline):
    ana, gone = UserFactory(), UserFactory(active=False)
    WebFormFactory(slug="quote", stage=pipeline.stages[0], owner_rule="round_robin",
                   round_robin_user_ids=[gone.id, ana.id])
    for i in range(2):
        post_form(client, {"name": f"Visitor {i}", "email": f"v{i}@example.com"}, slug="quote")
    assert {lead.owner_id for lead in db.session.scalars(select(Lead))} == {ana.id}
