"""A ``kanban`` command that cannot start or cannot reach the database says so in one
sentence and exits 1: cron mails what a command prints, and a traceback helps nobody."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kanban.cli import main
from tests.smtp_server import free_port


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("KANBAN_SECRET_KEY", "x" * 40)
    return monkeypatch


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_database_out_of_reach_is_said_in_one_sentence(environment):
    environment.setenv("KANBAN_DATABASE_URL",
                       f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/kanban")
    result = run("notify", "run")
    assert result.exit_code == 1
    assert "Error: The database did not answer (connection failed" in result.output
    assert "Check KANBAN_DATABASE_URL" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("name", "value", "said"), [
    ("KANBAN_TIMEZONE", "Europe/Lisbonn", "KANBAN_TIMEZONE='Europe/Lisbonn' is not a time zone"),
    ("KANBAN_PROXY_FIX_HOPS", "abc", "KANBAN_PROXY_FIX_HOPS must be the number of proxies"),
])
@pytest.mark.parametrize(("command", "told"), [
    (("plugins",), "Error: "),
    (("check",), "ERROR: "),  # listed among the failed checks
])
def test_a_setting_the_app_cannot_start_with_is_named(environment, name, value, said, command,
                                                      told):
    environment.setenv(name, value)
    result = run(*command)
    assert result.exit_code == 1
    assert f"{told}{said}" in result.output
    assert not isinstance(result.exception, RuntimeError | ValueError)


def test_any_other_failure_still_shows_its_traceback(environment, monkeypatch):
    import kanban.cli.operations as operations

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(operations, "configuration_problems", broken, raising=False)
    result = run("check")
    assert isinstance(result.exception, ZeroDivisionError)
