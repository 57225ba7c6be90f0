"""Jobs: a kind of work the tests control, the app's threads, and a real RQ queue."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
import redis

from kanban.extensions import db
from kanban.models.job import FINISHED, Job
from tests.jobs.test_job_kinds import CountingPlugin

REDIS_DB = 10  # the jobs tests' own Redis databases (one per test process), emptied


@pytest.fixture
def counting(register_plugin) -> CountingPlugin:
    plugin = CountingPlugin()
    plugin.calls = []
    return register_plugin(plugin, name="counting")


@pytest.fixture
def redis_jobs_url(worker_id) -> Iterator[str]:
    base = os.environ.get("KANBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    process = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    url = base.rsplit("/", 1)[0] + f"/{REDIS_DB + process % 4}"
    client = redis.Redis.from_url(url)
    client.ping()  # no Redis here is a failure: the queue is what these tests are about
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def wait_until_finished(job_id: int, seconds: float = 60,
                        until: tuple[str, ...] = FINISHED) -> Job:
    """Wait for a job run elsewhere (a thread, a worker) to end (or reach one of ``until``);
    its row tells."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.status in until or time.monotonic() > deadline:
            return job
        time.sleep(0.05)
