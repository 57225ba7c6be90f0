"""Fixtures for the web-form plugin: the plugin loaded, a form, and ways to send it."""

from __future__ import annotations

import pytest

from tests.webform.factories import WebFormFactory


@pytest.fixture
def plugins() -> list[str]:
    return ["webform"]


@pytest.fixture
def app_config(app_config) -> dict:
    # Most tests send the form at once; the time-trap tests set their own threshold.
    return {**app_config, "WEBFORM_MIN_FILL_SECONDS": 0}


@pytest.fixture
def contact_form(pipeline):
    """The "Contact" form: name and email required, landing in Sales → New."""
    return WebFormFactory(name="Contact", slug="contact", stage=pipeline.stages[0])
