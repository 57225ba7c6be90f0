"""With Redis configured a job waits on the team's RQ queue for a real worker."""

from __future__ import annotations

import socket
import time

import pytest

from kanban import jobs
from kanban.jobs.queue import LISTEN_SECONDS, queue_name, rq_queue, team_worker
from tests.jobs.conftest import wait_until_finished


@pytest.fixture
def app_config(app_config, redis_jobs_url):
    return {**app_config, "RATELIMIT_STORAGE_URI": redis_jobs_url}


def work_once(app) -> None:
    """A real RQ worker, in this process, until the queue is empty (as `kanban worker`)."""
    team_worker(rq_queue(worker=True)).work(burst=True, with_scheduler=True)


def test_the_workers_listening_thread_lets_it_stop_within_a_second(app):
    worker = team_worker(rq_queue(worker=True))
    worker.subscribe()
    try:
        # The thread waits this long for a message at a time; stopping waits for it.
        assert worker.pubsub_thread.sleep_time == LISTEN_SECONDS <= 1
    finally:
        worker.unsubscribe()
    assert not worker.pubsub_thread.is_alive()


def test_a_job_waits_on_the_queue_until_a_worker_takes_it(app, counting, member):
    job = jobs.start("test.count", {"to": 20}, user=member)
    assert rq_queue().count == 1
    assert counting.calls == []  # no thread of the app ran it
    work_once(app)
    done = wait_until_finished(job.id, seconds=5)
    assert (done.status, done.done, done.result["counted"]) == ("done", 20, 20)
    assert rq_queue().count == 0


def test_the_queue_is_the_teams_own(app):
    other = queue_name()
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://elsewhere/other-team"
    assert queue_name() != other and queue_name().startswith("kanban:jobs:")


def test_on_the_queue_a_failed_job_comes_back_after_its_wait(app, counting, member):
    job = jobs.start("test.count", {"to": 10, "fail": 1}, user=member)
    work_once(app)
    assert wait_until_finished(job.id, seconds=0.1).status == "retrying"
    time.sleep(1.2)  # the wait (0.06 s) is over; the scheduler moves it back each second
    work_once(app)
    done = wait_until_finished(job.id, seconds=5)
    assert (done.status, done.attempts, counting.calls) == ("done", 2, [1, 2])


def test_with_redis_gone_a_job_runs_in_a_thread_instead(app, counting, member):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens there
    job = jobs.start("test.count", {"to": 10}, user=member)
    assert wait_until_finished(job.id).status == "done"


def test_with_redis_silent_a_job_runs_in_a_thread_instead(app, counting, member):
    with socket.socket() as silent:  # takes connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.config.update(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
                          REDIS_TIMEOUT_SECONDS=0.5)
        job = jobs.start("test.count", {"to": 10}, user=member)
        assert wait_until_finished(job.id, seconds=10).status == "done"


def test_jobs_in_threads_setting_keeps_them_off_the_queue(app, counting, member):
    app.config["JOBS_IN_THREADS"] = True
    job = jobs.start("test.count", {"to": 10}, user=member)
    assert wait_until_finished(job.id).status == "done"
    assert rq_queue().count == 0
