"""``kanban worker`` says what it says itself in the team's language, as ``kanban jobs``
does (the lines RQ logs while it works stay RQ's own)."""

from __future__ import annotations

import pytest

from kanban.jobs.queue import queue_name
from tests.smtp_server import free_port


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru"}


def test_the_worker_without_redis_says_so_in_the_teams_language(runner, app):
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "Redis не настроен" in result.output
    assert "No Redis is configured" not in result.output


def test_the_worker_with_jobs_in_threads_says_so_in_the_teams_language(runner, app,
                                                                       redis_jobs_url):
    app.config.update(RATELIMIT_STORAGE_URI=redis_jobs_url, JOBS_IN_THREADS=True)
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "задачи выполняются в потоках самого приложения" in result.output


def test_the_worker_names_a_redis_out_of_reach_in_the_teams_language(runner, app):
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}/0"
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "Redis недоступен (ConnectionError)" in result.output


def test_the_worker_names_its_queue_in_the_teams_language(runner, app, redis_jobs_url):
    app.config["RATELIMIT_STORAGE_URI"] = redis_jobs_url
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert f"Обработка очереди {queue_name()}." in result.stderr


def test_a_job_started_while_redis_is_down_says_so_wholly_in_the_teams_language(
        runner, app, counting):
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}/0"
    result = runner.invoke(args=["jobs", "start", "test.count"])
    assert result.exit_code == 0, result.output
    assert "Redis недоступен (ConnectionError): задача выполняется здесь" in result.output
