"""The ``kanban`` command in its own process: every command is offered, whoever provides it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KANBAN = os.path.join(os.path.dirname(sys.executable), "kanban")


def kanban(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KANBAN_INSTANCE_PATH": str(tmp_path),
           "KANBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'kanban.db'}",
           "KANBAN_SECRET_KEY": "test-secret"}
    return subprocess.run([KANBAN, *args], env=env, capture_output=True, text=True, timeout=120)


def test_the_help_lists_the_apps_commands_and_those_of_flask_extensions(tmp_path):
    result = kanban(tmp_path, "--help")

    assert result.returncode == 0, result.stderr
    assert "Receive mail into the dropboxes." in result.stdout
    assert "Flask-Limiter maintenance" in result.stdout


def test_a_flask_extensions_command_runs_by_its_name(tmp_path):
    result = kanban(tmp_path, "limiter", "--help")

    assert result.returncode == 0, result.stderr
    assert "Usage: kanban limiter" in result.stdout


def test_an_apps_command_runs_beside_the_extensions_commands(tmp_path):
    result = kanban(tmp_path, "plugins")

    assert result.returncode == 0, result.stderr
    assert "email_bcc:" in result.stdout


def test_a_flask_extensions_command_sees_the_limits_of_the_pages(tmp_path):
    result = kanban(tmp_path, "limiter", "limits")

    assert result.returncode == 0, result.stderr
    assert "auth.login" in result.stdout


def test_a_command_that_stores_data_does_not_build_the_pages(tmp_path):
    script = (
        "import sys\n"
        "from kanban.app import create_app\n"
        "from kanban.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "print(sorted(m for m in ('kanban.web', 'kanban.api.leads', 'kanban_csv.views',\n"
        "                         'flask_limiter', 'flask_wtf') if m in sys.modules))\n"
        "print(app.test_client().get('/login').status_code)\n"
        "print('kanban.web' in sys.modules, len(list(app.url_map.iter_rules())) > 100)\n"
    )
    env = {**os.environ, "KANBAN_INSTANCE_PATH": str(tmp_path),
           "KANBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'kanban.db'}",
           "KANBAN_SECRET_KEY": "test-secret"}

    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "200", "True True"]
