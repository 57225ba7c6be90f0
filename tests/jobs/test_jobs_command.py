"""``kanban jobs`` speaks the team's language and tells the team's time, as /jobs does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kanban.extensions import db
from kanban.models.job import Job

MOSCOW_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 15:00 in Moscow


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru", "TIMEZONE": "Europe/Moscow"}


def job_of(status: str, **values) -> Job:
    job = Job(kind="test.count", status=status, created_at=MOSCOW_NOON, **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_the_list_gives_a_jobs_time_in_the_teams_zone_as_the_pages_write_it(runner):
    job_of("done")
    output = runner.invoke(args=["jobs", "list"]).output
    assert "\t7 дек. 2026\u202fг., 15:00\t" in output  # /jobs: "7 дек. 2026 г., 15:00"
    assert "2026-12-07 12:00" not in output


def test_the_list_names_the_statuses_in_the_teams_language(runner):
    job_of("done")
    job_of("cancelled")
    output = runner.invoke(args=["jobs", "list"]).output
    assert "\tГотово\t" in output and "\tОтменён\t" in output
    assert "\tdone\t" not in output and "\tcancelled\t" not in output


def test_cancelling_a_finished_job_says_so_in_the_teams_language(runner):
    job = job_of("done")
    result = runner.invoke(args=["jobs", "cancel", str(job.id)])
    assert result.output.strip() == (
        f"Задача {job.id} уже завершилась: останавливать было нечего.")


def test_cancelling_a_waiting_job_says_so_in_the_teams_language(runner):
    job = job_of("queued")
    result = runner.invoke(args=["jobs", "cancel", str(job.id)])
    assert result.output.strip() == f"Задача {job.id} отменена до начала: ничего не сделано."


def test_an_unknown_job_is_named_in_the_teams_language(runner):
    result = runner.invoke(args=["jobs", "cancel", "999"])
    assert result.exit_code == 1
    assert "Задачи 999 нет." in result.output
