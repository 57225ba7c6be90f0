"""The plugin's own hook specs are documented and exercised; its migration matches its models."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from kanban_webform import hookspecs
from kanban_webform.models import Submission, WebForm
from sqlalchemy import create_engine
from sqlalchemy import inspect as inspect_db

SPECS = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
         if name.startswith("kanban_webform_")]
TESTS = Path(__file__).parent


def test_the_plugin_declares_its_captcha_hooks():
    assert sorted(SPECS) == ["kanban_webform_captcha_html", "kanban_webform_verify_captcha"]


@pytest.mark.parametrize("name", SPECS)
def test_every_hook_spec_says_when_it_is_called_and_what_it_returns(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc and re.search(r"\bReturns?\b", doc), name


@pytest.mark.parametrize("name", SPECS)
def test_every_hook_spec_is_exercised_by_a_test(name):
    sources = [path.read_text() for path in TESTS.glob("test_*.py")
               if path.name != Path(__file__).name]
    assert any(f"def {name}(" in source for source in sources), name


def test_the_hook_specs_are_added_to_the_apps_plugin_manager(app):
    pm = app.extensions["kanban_plugins"]
    assert all(getattr(pm.hook, name).has_spec() for name in SPECS)
    assert pm.hook.kanban_webform_verify_captcha.spec.opts["firstresult"] is True


def test_upgrade_creates_the_plugins_tables_as_the_models_describe(app_config, tmp_path):
    from kanban.app import create_app

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    fresh = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    result = fresh.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    try:
        schema = inspect_db(engine)
        for model in (WebForm, Submission):
            table = model.__table__
            columns = {column["name"]: column for column in schema.get_columns(table.name)}
            assert set(columns) == set(table.columns.keys()), table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, column.name
        indexes = {index["name"] for index in schema.get_indexes("webform_submissions")}
        assert {index.name for index in Submission.__table__.indexes} <= indexes
    finally:
        engine.dispose()
        with fresh.app_context():
            from kanban.extensions import db

            db.engine.dispose()
