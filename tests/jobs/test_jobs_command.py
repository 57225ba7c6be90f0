"""``kanban jobs`` speaks the team's language, as /jobs does."""

from __future__ import annotations

import pytest

from kanban.extensions import db
from kanban.models.job import Job


@pytest.fixture
def app_config(app_config) -> dict:
    return {**app_config, "LANGUAGE": "ru"}


def job_of(status: str, **values) -> Job:
    job = Job(kind="test.count", status=status, **values)
    db.session.add(job)
    db.session.commit()
    return job


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
