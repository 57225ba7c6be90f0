"""A Redis that cannot be reached is said in one plain line, not a traceback per job."""

from __future__ import annotations

import logging
import os

import pytest
import redis

from kanban import jobs
from kanban.jobs import queue
from tests.jobs.conftest import wait_until_finished

NOBODY = "redis://127.0.0.1:1/0"  # nothing listens there
QUEUE_LOG = "kanban.jobs.queue"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_STORAGE_URI": NOBODY}


@pytest.fixture
def queue_log(caplog):
    caplog.set_level(logging.DEBUG, logger=QUEUE_LOG)
    return caplog


def said(caplog, level: int = logging.WARNING) -> list[logging.LogRecord]:
    return [record for record in caplog.records
            if record.name == QUEUE_LOG and record.levelno == level]


def start_jobs(member, count: int) -> None:
    for _ in range(count):
        job = jobs.start("test.count", {"to": 1}, user=member)
        assert wait_until_finished(job.id).status == "done"


def test_an_outage_is_said_once_in_one_plain_line(app, counting, member, queue_log):
    start_jobs(member, 3)
    [line] = said(queue_log)
    assert line.exc_info is None
    assert "\n" not in line.getMessage()
    assert line.getMessage().startswith("Redis cannot be reached (")


def test_the_traceback_of_each_job_stays_at_debug(app, counting, member, queue_log):
    start_jobs(member, 2)
    tracebacks = said(queue_log, logging.DEBUG)
    assert len(tracebacks) == 2
    assert all(record.exc_info for record in tracebacks)


def test_a_lasting_outage_is_said_again_after_a_minute(app, counting, member, queue_log,
                                                       monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(queue, "monotonic", lambda: clock[0])
    start_jobs(member, 2)
    clock[0] += 59
    start_jobs(member, 1)
    assert len(said(queue_log)) == 1
    clock[0] += 2
    start_jobs(member, 1)
    assert len(said(queue_log)) == 2


@pytest.fixture
def redis_url_13():
    url = os.environ.get("KANBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    client = redis.Redis.from_url(url)
    client.ping()
    yield url
    client.flushdb()
    client.close()


def test_redis_back_is_said_once(app, counting, member, queue_log, redis_url_13):
    start_jobs(member, 1)
    app.config["RATELIMIT_STORAGE_URI"] = redis_url_13
    jobs.start("test.count", {"to": 1}, user=member)
    jobs.start("test.count", {"to": 1}, user=member)
    _down, back = said(queue_log)
    assert back.getMessage() == "Redis answers again: jobs go to the queue."

