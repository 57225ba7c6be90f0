"""The plugin's migrations build its tables as its models describe them."""

from __future__ import annotations

from kanban_webhooks import models

from tests.plugin_schema import assert_migrations_build_the_models


def test_upgrade_creates_the_plugins_tables_as_the_models_describe(app_config, empty_database):
    assert_migrations_build_the_models(app_config, empty_database, "webhooks",
                                       [models.Subscription, models.Delivery])


def test_the_question_asked_after_each_change_reads_the_subscriptions_table():
    from kanban_webhooks.models import Subscription
    from kanban_webhooks.soon import SUBSCRIPTIONS

    assert SUBSCRIPTIONS.name == Subscription.__tablename__
    assert set(SUBSCRIPTIONS.c.keys()) <= set(Subscription.__table__.c.keys())
