"""The core's commands say what they say in the team's language (``KANBAN_LANGUAGE``), as
``kanban worker`` does: their checks and verdicts, copies, accounts, repairs and counts.
Russian here, Italian where a test is marked so; without a team language they stay English
(the other command tests)."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kanban.cli import main
from kanban.extensions import db
from kanban.models import User
from kanban.services.backup import sqlite_file
from tests.factories import PipelineFactory
from tests.smtp_server import free_port

GOOD_KEY = "k" * 48
in_italian = pytest.mark.parametrize("app_config", ["it"], indirect=True)


@pytest.fixture
def app_config(app_config, request) -> dict:
    return {**app_config, "LANGUAGE": getattr(request, "param", "ru")}


@pytest.fixture
def checked(app):
    from kanban.migrating import schema_commands

    schema_commands().stamp(revision="heads")
    app.config["SECRET_KEY"] = GOOD_KEY
    return app


@pytest.fixture
def sqlite_app(app, backend):
    if backend != "sqlite":
        pytest.skip("backup and restore copy SQLite files; PostgreSQL uses pg_dump")
    return app


def test_check_names_a_problem_in_the_teams_language(checked, runner):
    checked.config["SECRET_KEY"] = "short-but-random-x9"
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "ОШИБКА: SECRET_KEY короче 32 символов" in result.output
    assert "ERROR" not in result.output


def test_check_gives_its_verdict_on_errors_in_the_teams_language(checked, runner):
    checked.config["SECRET_KEY"] = "dev"
    result = runner.invoke(args=["check"])
    assert "1 ошибка: Kanban не сможет работать безопасно, пока её не исправят." in result.output


def test_check_says_what_is_wrong_with_a_mail_server_address_in_the_teams_language(
        checked, runner):
    checked.config["SMTP_URL"] = "http://mail.example"
    result = runner.invoke(args=["check"])
    assert "SMTP_URL: используйте smtp://, smtp+starttls:// или smtps://, а не 'http'" in (
        result.output)


@in_italian
def test_check_passes_a_good_configuration_in_the_teams_language(checked, runner):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "La configurazione sembra corretta."


@in_italian
def test_backup_says_where_it_wrote_the_copy_in_the_teams_language(sqlite_app, runner,
                                                                   tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    live = sqlite_file(sqlite_app.config["SQLALCHEMY_DATABASE_URI"])
    assert result.output.strip() == (f"Backup di {live} salvato in {tmp_path / 'copy.db'} "
                                     "(controllo di integrità superato).")


def test_backup_refuses_to_overwrite_a_file_in_the_teams_language(app, runner, tmp_path):
    (tmp_path / "copy.db").write_text("something else")
    result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'copy.db'} уже существует: выберите новое имя файла." in result.output


def test_restore_refuses_a_file_that_is_not_a_kanban_database_in_the_teams_language(
        sqlite_app, runner, tmp_path):
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE notes (body TEXT)")
    other.commit()
    other.close()
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "other.db")])
    assert result.exit_code == 1
    assert "Ничего не восстановлено:" in result.output
    assert "не база данных Kanban (в ней нет лидов, воронок и пользователей)" in result.output


@in_italian
def test_create_user_says_whom_it_created_in_the_teams_language(runner):
    result = runner.invoke(args=["create-user", "rui@example.com", "--role", "manager",
                                 "--password", "a long password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert f"Creato rui@example.com (#{user.id}), con il ruolo manager." in result.output


def test_create_user_asks_for_the_password_in_the_teams_language(runner):
    result = runner.invoke(args=["create-user", "rui@example.com"],
                           input="a long password\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Пароль: " in result.output
    assert "Повторите пароль: " in result.output


def test_set_password_names_an_unknown_email_in_the_teams_language(runner):
    result = runner.invoke(args=["set-password", "nobody@example.com"])
    assert result.exit_code == 1
    assert "Пользователя с email nobody@example.com нет." in result.output


def test_set_password_says_the_sessions_ended_in_the_teams_language(runner, member):
    result = runner.invoke(args=["set-password", member.email, "--password", "from a script"])
    assert result.exit_code == 0, result.output
    assert f"{member.email} может войти с новым паролем; все его сеансы завершены." in (
        result.output)


def test_first_run_prints_the_login_in_the_teams_language(runner):
    result = runner.invoke(args=["first-run", "--address", "http://127.0.0.1:5077"])
    assert result.exit_code == 0, result.output
    assert "Kanban готов. Адрес для входа: http://127.0.0.1:5077" in result.output
    password = result.output.split("пароль:", 1)[1].split()[0]
    admin = db.session.scalars(select(User).where(User.role == "admin")).one()
    assert admin.check_password(password)
    assert "(смените пароль на странице профиля)" in result.output


def test_first_run_on_a_set_up_installation_says_so_in_the_teams_language(runner, admin):
    result = runner.invoke(args=["first-run"])
    assert result.output.strip() == "Kanban уже настроен."


def test_repair_ranks_counts_columns_in_the_teams_language(runner):
    PipelineFactory(stages=["New", "Contacted"])
    result = runner.invoke(args=["repair-ranks"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Исправлены 2 колонки."


@in_italian
def test_notify_send_counts_the_emails_in_the_teams_language(app, runner):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Email inviate: 0, da riprovare: 0, abbandonate: 0."


def test_notify_without_a_mail_server_says_so_in_the_teams_language(app, runner):
    app.config["SMTP_URL"] = ""
    result = runner.invoke(args=["notify", "send"])
    assert "KANBAN_SMTP_URL не задан: письма отправлять нельзя" in result.output


def test_jobs_start_names_the_kinds_it_knows_in_the_teams_language(runner):
    result = runner.invoke(args=["jobs", "start", "no.such-kind"])
    assert result.exit_code == 2
    assert "Используйте одно из значений: " in result.output


def test_demo_says_what_it_created_in_the_teams_language(runner):
    result = runner.invoke(args=["demo", "--leads", "10"])
    assert result.exit_code == 0, result.output
    assert "Создано демонстрационных лидов: 10, закрытых: 10." in result.output


def test_a_database_out_of_reach_is_said_in_the_teams_language(tmp_path, monkeypatch):
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("KANBAN_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("KANBAN_LANGUAGE", "ru")
    monkeypatch.setenv("KANBAN_DATABASE_URL",
                       f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/kanban")
    result = CliRunner().invoke(main, ["notify", "run"])
    assert result.exit_code == 1
    assert "База данных не ответила (connection failed" in result.output
    assert "Проверьте KANBAN_DATABASE_URL" in result.output
