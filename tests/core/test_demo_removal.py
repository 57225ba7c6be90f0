"""`kanban demo remove`: the demo's leads and colleagues taken out of an installation that
went to work with them, and nothing of the team's own."""

from __future__ import annotations

from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Activity, Client, Lead, User
from tests.factories import LeadFactory, UserFactory

DEMO_PEOPLE = {"Ana Silva", "Marco Rossi", "Lucía García", "Дмитрий Иванов"}


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def names() -> set[str]:
    return set(db.session.scalars(select(User.name)))


def test_demo_remove_takes_away_the_first_runs_leads_and_colleagues(runner):
    runner.invoke(args=["first-run"])

    result = runner.invoke(args=["demo", "remove", "--yes"])

    assert result.exit_code == 0, result.output
    assert "Removed the demo's leads (100), colleagues (4)" in result.output
    assert count(Lead) == 0 and count(Activity) == 0 and count(Client) == 0
    assert names() == {"Admin"}  # the login first-run printed still works


def test_demo_remove_keeps_the_teams_own_leads_people_and_folders(runner, pipeline):
    runner.invoke(args=["demo", "--leads", "20"])
    rita = UserFactory(name="Rita", email="rita@padaria.pt")
    own = LeadFactory(stage=pipeline.stages[0], company="Padaria Lisboeta",
                      email="encomendas@padaria.pt", owner=rita, title="Real order")
    lookalike = LeadFactory(stage=pipeline.stages[0], company="Acme",
                            email="test@acme.example", title="Typed in by hand")

    runner.invoke(args=["demo", "remove", "--yes"])

    assert set(db.session.scalars(select(Lead.title))) == {own.title, lookalike.title}
    assert names() == {"Rita"}


def test_a_real_lead_given_to_a_demo_colleague_stays_without_owner(runner, pipeline):
    runner.invoke(args=["demo", "--leads", "5"])
    ana = db.session.scalars(select(User).where(User.name == "Ana Silva")).one()
    lead = LeadFactory(stage=pipeline.stages[0], company="Acme", email="buy@acme.pt",
                       owner=ana)
    lead_id = lead.id

    runner.invoke(args=["demo", "remove", "--yes"])

    assert db.session.get(Lead, lead_id).owner_id is None


def test_a_colleague_with_a_demo_address_and_a_password_is_not_the_demos(runner):
    runner.invoke(args=["demo", "--leads", "5"])
    ana = db.session.scalars(select(User).where(User.name == "Ana Silva")).one()
    ana.set_password("she logs in for real")
    db.session.commit()

    runner.invoke(args=["demo", "remove", "--yes"])

    assert "Ana Silva" in names()


def test_demo_remove_asks_first_and_a_no_changes_nothing(runner):
    runner.invoke(args=["demo", "--leads", "5"])

    result = runner.invoke(args=["demo", "remove"], input="n\n")

    assert result.exit_code == 1
    assert "Delete the demo's leads (15) and colleagues (4)?" in result.output
    assert "Nothing was removed." in result.output
    assert names() >= DEMO_PEOPLE


def test_demo_remove_without_a_demo_says_so(runner, admin):
    result = runner.invoke(args=["demo", "remove"])

    assert result.exit_code == 0
    assert "There is no demo data to remove." in result.output
