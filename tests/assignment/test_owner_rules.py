"""Owner rules: one place, in the core, says who owns a source's new leads."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kanban.errors import ValidationError
from kanban.extensions import db
from kanban.models import Lead, OwnerRule
from kanban.notify.store import latest, text_of
from kanban.services.lead_batches import create_leads
from kanban.services.leads import create_lead
from kanban.services.owner_rules import (
    Departed,
    departed_by_source,
    departed_people,
    next_owner_id,
    owners_in_turn,
    read_rule,
    rule_form_values,
    set_rule,
)
from tests.factories import UserFactory


def test_a_source_without_a_rule_leaves_its_leads_unassigned(app, pipeline):
    lead = create_lead({"title": "From the site"}, user=None, assign_by="api")
    assert lead.owner_id is None


def test_a_fixed_rule_gives_every_lead_to_one_person(app, pipeline):
    ana = UserFactory()
    set_rule("email", "fixed", [ana.id])
    db.session.commit()
    owners = [create_lead({"title": f"Mail {i}"}, user=None, assign_by="email").owner_id
              for i in range(3)]
    assert owners == [ana.id] * 3


def test_round_robin_gives_each_person_a_turn_in_order(app, pipeline):
    people = [UserFactory().id for _ in range(3)]
    set_rule("api", "round_robin", people)
    db.session.commit()
    owners = [create_lead({"title": f"Lead {i}"}, user=None, assign_by="api").owner_id
              for i in range(6)]
    assert owners == people + people


def test_an_owner_given_by_the_source_wins_over_the_rule(app, pipeline):
    ana, rui = UserFactory(), UserFactory()
    set_rule("api", "fixed", [ana.id])
    db.session.commit()
    lead = create_lead({"title": "Chosen", "owner_id": rui.id}, user=None, assign_by="api")
    assert lead.owner_id == rui.id


def test_people_who_left_the_team_are_skipped(app, pipeline):
    gone, ana = UserFactory(active=False), UserFactory()
    set_rule("api", "round_robin", [gone.id, ana.id])
    db.session.commit()
    assert {next_owner_id("api") for _ in range(3)} == {ana.id}


def test_a_rule_whose_people_all_left_leaves_leads_unassigned(app, pipeline):
    set_rule("api", "fixed", [UserFactory(active=False).id])
    db.session.commit()
    assert next_owner_id("api") is None


def test_a_lead_whose_rule_names_only_people_who_left_tells_the_team_it_waits(
        app, pipeline, member):
    set_rule("api", "fixed", [UserFactory(active=False).id])
    db.session.commit()
    lead = create_lead({"title": "From the site"}, user=None, assign_by="api")
    assert [(item.kind, item.lead_id) for item in latest(member)] == [
        ("lead_unassigned", lead.id)]


def test_a_batch_whose_rule_names_only_people_who_left_tells_the_team_they_wait(
        app, pipeline, member):
    set_rule("import", "round_robin", [UserFactory(active=False).id])
    db.session.commit()
    create_leads([{"title": "One"}, {"title": "Two"}], stage=pipeline.stages[0], user=None,
                 assign_by="import")
    assert [text_of(item) for item in latest(member)] == ["2 new leads wait for an owner."]


def test_who_left_is_named_in_the_rules_order_and_whether_anyone_remains(app):
    gone, ana, left = UserFactory(active=False), UserFactory(), UserFactory(active=False)
    set_rule("api", "round_robin", [left.id, ana.id, gone.id])
    set_rule("import", "fixed", [gone.id])
    db.session.commit()
    assert departed_people("api") == Departed([left, gone], nobody_remains=False)
    assert departed_people("import") == Departed([gone], nobody_remains=True)
    assert departed_people("email") is None


def test_a_batch_takes_its_turns_in_one_step_and_keeps_given_owners(app, pipeline):
    ana, rui, eva = UserFactory(), UserFactory(), UserFactory()
    set_rule("import", "round_robin", [ana.id, rui.id])
    db.session.commit()
    rows = [{"title": "One"}, {"title": "Two", "owner_id": eva.id}, {"title": "Three"},
            {"title": "Four"}]
    create_leads(rows, stage=pipeline.stages[0], user=None, assign_by="import")
    owners = dict(db.session.execute(select(Lead.title, Lead.owner_id)).all())
    assert owners == {"One": ana.id, "Two": eva.id, "Three": rui.id, "Four": ana.id}
    assert owners_in_turn("import", 1) == [rui.id]


def test_concurrent_leads_never_get_the_same_turn(app, pipeline):
    people = [UserFactory().id for _ in range(4)]
    set_rule("web form:1", "round_robin", people)
    db.session.commit()
    db.session.remove()

    def take_turns(_worker: int) -> list[int]:
        with app.app_context():
            turns = []
            try:
                for _ in range(10):
                    turns.append(next_owner_id("web form:1"))
                    db.session.commit()
                return turns
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        turns = [owner for batch in pool.map(take_turns, range(8)) for owner in batch]
    assert Counter(turns) == {person: 20 for person in people}
    assert db.session.scalar(select(OwnerRule.turn)) == 80


def test_a_lead_that_fails_to_be_written_gives_its_turn_back(app, pipeline):
    ana, rui = UserFactory(), UserFactory()
    set_rule("api", "round_robin", [ana.id, rui.id])
    db.session.commit()
    with pytest.raises(ValidationError):
        create_lead({"title": "x" * 500}, user=None, assign_by="api")
    db.session.rollback()
    assert create_lead({"title": "Next"}, user=None, assign_by="api").owner_id == ana.id


def test_the_settings_form_round_trips(app):
    ana, rui = UserFactory(), UserFactory()
    rule, people = read_rule(MultiDict([("owner_rule", "round_robin"),
                                        ("round_robin_user_ids", str(rui.id)),
                                        ("round_robin_user_ids", str(ana.id))]))
    set_rule("api", rule, people)
    db.session.commit()
    assert rule_form_values("api") == {"owner_rule": "round_robin", "owner_id": "",
                                       "round_robin_user_ids": [str(rui.id), str(ana.id)]}


def test_choosing_nobody_removes_the_rule(app):
    set_rule("api", "fixed", [UserFactory().id])
    db.session.commit()
    set_rule("api", "none", [])
    db.session.commit()
    assert rule_form_values("api")["owner_rule"] == "none"
    assert db.session.scalar(select(OwnerRule)) is None


@pytest.mark.parametrize(("fields", "named"), [
    ({"owner_rule": "fixed"}, "owner_id"),
    ({"owner_rule": "round_robin"}, "round_robin_user_ids"),
    ({"owner_rule": "lottery"}, "owner_rule"),
])
def test_an_incomplete_rule_names_the_field(app, fields, named):
    with pytest.raises(ValidationError) as refused:
        read_rule(MultiDict(fields))
    assert named in refused.value.fields


def test_a_fixed_rule_refuses_someone_who_left(app):
    gone = UserFactory(active=False)
    with pytest.raises(ValidationError) as refused:
        read_rule(MultiDict({"owner_rule": "fixed", "owner_id": str(gone.id)}))
    assert "owner_id" in refused.value.fields


def test_who_left_is_told_for_many_sources_at_once_as_for_each(app):
    gone, ana = UserFactory(active=False), UserFactory()
    set_rule("web form:1", "fixed", [gone.id])
    set_rule("web form:2", "round_robin", [gone.id, ana.id])
    set_rule("web form:3", "fixed", [ana.id])
    db.session.commit()
    sources = ["web form:1", "web form:2", "web form:3", "web form:4"]
    assert departed_by_source(sources) == {
        source: departed_people(source) for source in sources[:2]}
