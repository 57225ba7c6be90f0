"""Round-robin owners: each chosen person in turn, also when visitors send at the same time."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from kanban_webform.capture import next_owner_id
from kanban_webform.models import WebForm
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


def test_concurrent_submissions_never_get_the_same_turn(app, pipeline):
    people = [UserFactory().id for _ in range(4)]
    form_id = WebFormFactory(slug="quote", stage=pipeline.stages[0], owner_rule="round_robin",
                             round_robin_user_ids=people).id
    db.session.remove()

    def take_turns(_worker: int) -> list[int]:
        with app.app_context():
            try:
                return [next_owner_id(db.session.get(WebForm, form_id)) for _ in range(10)]
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        turns = [owner for batch in pool.map(take_turns, range(8)) for owner in batch]
    assert Counter(turns) == {person: 20 for person in people}
    assert db.session.get(WebForm, form_id).round_robin_counter == 80
