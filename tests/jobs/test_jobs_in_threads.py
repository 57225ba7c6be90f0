"""Without Redis a job runs in a thread of the app: progress, outcome, retries, cancel."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from kanban import jobs
from kanban.extensions import db
from kanban.models.job import Job
from tests.jobs.conftest import wait_until_finished


def test_a_job_runs_in_a_thread_and_keeps_its_result(app, counting, member):
    job = jobs.start("test.count", {"to": 40}, user=member)
    assert job.status == "queued" and job.user_id == member.id
    done = wait_until_finished(job.id)
    assert (done.status, done.done, done.total, done.percent) == ("done", 40, 40, 100)
    assert done.result == {"counted": 40, "message": "counted to 40"}
    assert done.started_at is not None and done.finished_at >= done.started_at


def test_an_unknown_kind_is_refused_before_anything_is_written(app, member):
    with pytest.raises(KeyError):
        jobs.start("no.such.kind", {}, user=member)
    assert db.session.query(Job).count() == 0


def test_a_failing_job_is_tried_again_after_its_wait(app, counting, member):
    job = jobs.start("test.count", {"to": 10, "fail": 1}, user=member)
    done = wait_until_finished(job.id)
    assert (done.status, done.attempts) == ("done", 2)
    assert counting.calls == [1, 2]
    assert done.error == ""


def test_a_job_failing_every_time_is_given_up_with_its_error(app, counting, member):
    job = jobs.start("test.count", {"to": 10, "fail": 9}, user=member)
    done = wait_until_finished(job.id)
    assert (done.status, done.attempts) == ("failed", 3)  # once, then the two retries
    assert done.error == "RuntimeError: attempt 3 fails"


def test_a_job_cancelled_while_waiting_never_starts(app, counting, member):
    job = jobs.Job(kind="test.count", params={"to": 10}, user_id=member.id,
                   cancel_requested=True)
    db.session.add(job)
    db.session.commit()
    from kanban.jobs.runner import perform

    perform(job.id)
    db.session.refresh(job)
    assert job.status == "cancelled" and counting.calls == []


def test_a_running_job_stops_at_its_next_step_when_cancelled(app, counting, member):
    def cancel_after_the_first_step(done: int, total: int) -> None:
        if done == 10:
            with db.engine.begin() as connection:
                connection.execute(update(Job).values(cancel_requested=True))

    job = jobs.run_here("test.count", {"to": 100}, user=member,
                        on_progress=cancel_after_the_first_step)
    assert job.status == "cancelled"
    assert job.done == 10  # it went no further than the step that saw the request
    assert job.finished_at is not None


def test_a_finished_job_cannot_be_cancelled(app, counting, member):
    job = jobs.run_here("test.count", {"to": 10}, user=member)
    assert job.status == "done"
    assert jobs.request_cancel(job) is False
    assert job.cancel_requested is False


def test_run_here_tells_each_step_for_a_progress_bar(app, counting, member):
    steps: list[tuple[int, int]] = []
    job = jobs.run_here("test.count", {"to": 30}, user=member,
                        on_progress=lambda done, total: steps.append((done, total)))
    assert steps == [(0, 30), (10, 30), (20, 30), (30, 30)]
    assert job.status == "done"


def test_a_job_is_claimed_once_even_if_handed_out_twice(app, counting, member):
    from kanban.jobs.runner import perform

    job = jobs.run_here("test.count", {"to": 10}, user=member)
    perform(job.id)  # a second runner finds it finished and leaves it
    assert counting.calls == [1]


def test_old_finished_jobs_are_forgotten_and_waiting_ones_kept(app, counting, member):
    from datetime import timedelta

    from kanban.models.base import utcnow

    old = utcnow() - timedelta(days=100)
    db.session.add_all([
        Job(kind="test.count", status="done", created_at=old),
        Job(kind="test.count", status="queued", created_at=old),
        Job(kind="test.count", status="failed", created_at=utcnow()),
    ])
    db.session.commit()
    assert jobs.forget_old(90) == 1
    assert sorted(job.status for job in db.session.query(Job)) == ["failed", "queued"]


def test_a_job_running_long_past_its_time_limit_is_marked_failed(app, counting, member):
    from datetime import timedelta

    from kanban.models.base import utcnow

    now = utcnow()
    stale = Job(kind="test.count", status="running", started_at=now - timedelta(hours=4))
    recent = Job(kind="test.count", status="running", started_at=now - timedelta(minutes=5))
    db.session.add_all([stale, recent])
    db.session.commit()
    assert jobs.fail_abandoned() == 1
    db.session.refresh(stale)
    db.session.refresh(recent)
    assert (stale.status, recent.status) == ("failed", "running")
    assert stale.error == jobs.ABANDONED


def test_a_job_left_waiting_by_a_restart_is_run_by_the_next_round(app, counting, member,
                                                                   runner):
    from datetime import timedelta

    from kanban.models.base import utcnow

    now = utcnow()
    lost = Job(kind="test.count", params={"to": 10}, status="retrying",
               not_before=now - timedelta(minutes=30))
    fresh = Job(kind="test.count", params={"to": 10}, status="queued", created_at=now)
    db.session.add_all([lost, fresh])
    db.session.commit()
    result = runner.invoke(args=["notify", "run"])
    assert "1 late job(s) run." in result.output
    db.session.refresh(lost)
    db.session.refresh(fresh)
    assert (lost.status, fresh.status) == ("done", "queued")


def test_a_job_started_from_cron_while_redis_is_down_runs_there_and_then(app, counting,
                                                                        runner):
    from tests.smtp_server import free_port

    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{free_port()}/0"
    result = runner.invoke(args=["jobs", "start", "test.count"])

    assert result.exit_code == 0, result.output
    assert "Redis cannot be reached (ConnectionError): the job runs here instead" in result.output
    assert "is queued for the worker" not in result.output
    assert db.session.scalars(select(Job.status)).all() == ["done"]


@pytest.fixture
def database_back_after_two_tries(monkeypatch):
    """The job's outcome cannot be written twice (the database is out of reach), then
    can; the waits between tries are counted, not slept."""
    from sqlalchemy.exc import OperationalError

    import kanban.jobs.runner as runner

    waits: list[float] = []
    real = runner._record_failure

    def flaky(*args, **kwargs):
        if len(waits) < 2:
            raise OperationalError("UPDATE jobs", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_record_failure", flaky)
    monkeypatch.setattr(runner, "time", SimpleNamespace(sleep=waits.append))
    return waits


def test_a_job_failing_in_an_outage_is_marked_failed_once_the_database_is_back(
        app, counting, member, database_back_after_two_tries):
    job = jobs.run_here("test.count", {"to": 10, "fail": 9}, user=member)

    assert database_back_after_two_tries == [1, 2]
    assert (job.status, job.error) == ("failed", "RuntimeError: attempt 1 fails")
