"""Logs in production: no customer data from failed statements, and lines that say when and
how bad."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kanban.app import create_app
from kanban.extensions import db

PHONE = "+351 912 345 678"
ROOT = Path(__file__).resolve().parents[2]


def failed_statement_text(app) -> str:
    with app.app_context():
        with pytest.raises(DBAPIError) as failure:
            db.session.execute(text("INSERT INTO no_such_table (phone) VALUES (:phone)"),
                               {"phone": PHONE})
        db.session.rollback()
        db.engine.dispose()
    return str(failure.value)


def test_a_failed_statement_does_not_carry_its_values_in_production(app_config, tmp_path):
    os.environ["KANBAN_INSTANCE_PATH"] = str(tmp_path / "instance")
    production = create_app({**app_config, "TESTING": False})

    said = failed_statement_text(production)

    assert PHONE not in said
    assert "no_such_table" in said  # the statement itself still helps


def test_tests_keep_a_failed_statements_values_for_their_diagnostics(app):
    assert PHONE in failed_statement_text(app)


def test_the_apps_log_lines_carry_a_time_and_a_level(tmp_path):
    program = ("import logging; from kanban.app import create_app; create_app(); "
               "logging.getLogger('kanban.outages').warning('The database did not answer')")
    environment = {**os.environ, "KANBAN_INSTANCE_PATH": str(tmp_path / "instance"),
                   "KANBAN_SECRET_KEY": "x" * 40, "KANBAN_PLUGINS": "[]",
                   "KANBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'kanban.db'}"}
    shown = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=environment,
                           capture_output=True, text=True, check=True).stderr

    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING kanban\.outages: "
                        r"The database did not answer\n", shown), shown
