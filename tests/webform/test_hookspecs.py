"""The plugin's own hook specs are documented and exercised."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from kanban_webform import hookspecs

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
