"""The kanban command, first-run set-up, demo data and the database settings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from kanban.app import create_app
from kanban.extensions import db
from kanban.models import ApiToken, Lead, Pipeline, User
from tests.factories import UserFactory


def test_first_run_creates_an_admin_prints_the_login_and_fills_a_demo_board(runner):
    result = runner.invoke(args=["first-run"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(User).where(User.role == "admin")).one()
    password = result.output.split("password:", 1)[1].split()[0]
    assert admin.email in result.output
    assert admin.check_password(password)
    assert db.session.scalar(select(func.count(Lead.id)).where(Lead.status == "open")) == 60
    assert db.session.scalar(select(func.count(Lead.id)).where(Lead.status != "open")) == 40
    assert db.session.scalar(select(func.count(Pipeline.id))) == 1


def test_first_run_names_the_address_the_team_opens_the_app_at(app, runner):
    app.config["PUBLIC_URL"] = "https://crm.example.com"
    result = runner.invoke(args=["first-run"])
    assert "Log in at https://crm.example.com with" in result.output


def test_first_run_names_the_port_the_app_is_started_on(runner):
    result = runner.invoke(args=["first-run", "--address", "http://127.0.0.1:5077"])
    assert "Log in at http://127.0.0.1:5077 with" in result.output


def test_first_run_on_a_set_up_installation_changes_nothing(runner, admin):
    result = runner.invoke(args=["first-run"])
    assert "already set up" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_demo_leads_are_realistic_and_ordered_in_every_column(runner):
    result = runner.invoke(args=["demo", "--leads", "200"])
    assert "Created 200 demo leads and 100 closed ones." in result.output
    leads = db.session.scalars(select(Lead)).all()
    assert len([lead for lead in leads if lead.is_open]) == 200
    assert all(lead.title and lead.company and lead.next_action_kind for lead in leads)
    assert {lead.priority for lead in leads} == {1, 2, 3}
    today = date.today()
    assert all(lead.next_action_kind == "standby" for lead in leads
               if lead.is_open and lead.next_action_date > today)
    per_stage: dict[int, list[str]] = {}
    for lead in leads:
        per_stage.setdefault(lead.stage_id, []).append(lead.rank)
    for ranks in per_stage.values():
        assert len(set(ranks)) == len(ranks)


def test_create_user_asks_for_a_password_and_sets_the_role(runner):
    result = runner.invoke(args=["create-user", "Rui@Example.com", "--role", "manager",
                                 "--name", "Rui Costa"], input="a long password\n" * 2)
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.role, user.name) == ("rui@example.com", "manager", "Rui Costa")
    assert user.check_password("a long password")


def test_create_user_refuses_a_short_password_in_plain_words(runner):
    result = runner.invoke(args=["create-user", "rui@example.com"], input="short\nshort\n")
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_user_refuses_an_email_already_on_the_team(runner, member):
    result = runner.invoke(args=["create-user", member.email.upper()],
                           input="a long password\n" * 2)
    assert result.exit_code != 0
    assert "already uses this email" in result.output


def test_set_password_asks_twice_and_logs_the_person_out(runner, member, member_client):
    result = runner.invoke(args=["set-password", member.email.upper()],
                           input="a new long password\n" * 2)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password("a new long password")
    assert member_client.get("/board").status_code == 302


def test_set_password_takes_the_password_as_an_option_for_scripts(runner, member):
    result = runner.invoke(args=["set-password", member.email, "--password", "from a script"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, member.id).check_password("from a script")


def test_set_password_refuses_a_short_password_in_plain_words(runner, member):
    old_hash = member.password_hash
    result = runner.invoke(args=["set-password", member.email, "--password", "short"])
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    db.session.expire_all()
    assert db.session.get(User, member.id).password_hash == old_hash


def test_set_password_for_an_unknown_person_fails_before_asking(runner):
    result = runner.invoke(args=["set-password", "nobody@example.com"])
    assert result.exit_code != 0
    assert "no user with the email" in result.output
    assert "New password" not in result.output


def test_create_token_prints_a_working_token_once(runner, client, member, pipeline):
    result = runner.invoke(args=["create-token", member.email, "--name", "Zapier"])
    secret = result.output.strip()
    assert db.session.scalars(select(ApiToken)).one().name == "Zapier"
    assert client.get("/api/v1/leads", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 200


def test_create_token_for_an_unknown_person_fails_clearly(runner):
    result = runner.invoke(args=["create-token", "nobody@example.com"])
    assert result.exit_code != 0
    assert "no user with the email" in result.output


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}",
                              "SECRET_KEY": "x", "PLUGINS": []})
    with application.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_settings_come_from_kanban_environment_variables(app_config, monkeypatch):
    monkeypatch.setenv("KANBAN_DEFAULT_CURRENCY", "BRL")
    monkeypatch.setenv("KANBAN_LOST_REASONS", '["Preço", "Sem resposta"]')
    application = create_app({k: v for k, v in app_config.items()})
    assert application.config["DEFAULT_CURRENCY"] == "BRL"
    assert application.config["LOST_REASONS"] == ["Preço", "Sem resposta"]


def test_the_secret_key_is_generated_once_in_the_instance_folder(app_config, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "inst"))
    config = {k: v for k, v in app_config.items() if k != "SECRET_KEY"}
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0


def test_user_factory_people_can_log_in(client, app):
    user = UserFactory()
    assert client.post("/login", data={"email": user.email, "password": "correct horse battery"}
                       ).status_code == 302


def test_demo_history_gives_the_results_page_won_and_lost_deals_in_client_folders(runner):
    runner.invoke(args=["demo", "--leads", "20"])
    runner.invoke(args=["demo", "--leads", "20"])  # twice: order keys never collide
    closed = db.session.scalars(select(Lead).where(Lead.status != "open")).all()
    assert {lead.status for lead in closed} == {"won", "lost", "cancelled"}
    assert all(lead.client_id for lead in closed if lead.status == "won")
    assert all(lead.lost_reason for lead in closed if lead.status == "lost")
    assert all(lead.closed_at >= lead.created_at for lead in closed)


def test_demo_deals_in_progress_sit_in_their_companys_client_folder(runner):
    runner.invoke(args=["demo", "--leads", "40"])
    folders = {lead.company: lead.client_id for lead in db.session.scalars(
        select(Lead).where(Lead.status == "won"))}
    open_ones = db.session.scalars(select(Lead).where(Lead.status == "open",
                                                      Lead.company.in_(list(folders)))).all()
    assert open_ones
    assert all(lead.client_id == folders[lead.company] for lead in open_ones)


def test_on_postgresql_a_lock_is_waited_for_as_long_as_the_setting_says(app, backend):
    if backend != "postgresql":
        pytest.skip("SQLite's wait is its busy timeout (tests/outages)")
    waited = db.session.scalar(text(
        "SELECT EXTRACT(EPOCH FROM current_setting('lock_timeout')::interval) * 1000"))
    assert waited == app.config["SQLITE_BUSY_TIMEOUT_MS"] == 5000
