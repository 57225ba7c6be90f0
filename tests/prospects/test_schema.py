"""The plugin's migrations build its tables as its models describe them."""

from __future__ import annotations

from kanban_prospects import models

from tests.plugin_schema import assert_migrations_build_the_models


def test_upgrade_creates_the_plugins_tables_as_the_models_describe(app_config, empty_database):
    assert_migrations_build_the_models(app_config, empty_database, "prospects",
                                       [models.ProspectList, models.ProspectRow,
                                        models.ProspectTouch])
