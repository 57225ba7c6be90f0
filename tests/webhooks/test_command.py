"""``kanban webhooks deliver`` (cron, every minute) counts what it did in the team's
language (``KANBAN_LANGUAGE``)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru"}


def test_deliver_counts_what_it_did_in_the_teams_language(runner):
    result = runner.invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Событий в очереди: 0; отправлено: 0, к повторной "
                                     "попытке: 0, отправка прекращена: 0.")
