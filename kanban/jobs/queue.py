"""Where a job runs: the team's RQ queue when Redis is configured, else a thread here.

The two have the same interface (``dispatch``); a job's row, not the queue, is its state,
so a job whose Redis went away runs in a thread instead of being lost."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from time import monotonic

from flask import Flask, after_this_request, current_app, has_request_context

from kanban.extensions import db
from kanban.services.health import redis_url, team_redis_name
from kanban.services.redis_store import connect_redis

log = logging.getLogger(__name__)


def use_rq() -> bool:
    return redis_url() is not None and not current_app.config["JOBS_IN_THREADS"]


def queue_name() -> str:
    """The team's queue: several Kanban servers may share one Redis."""
    return team_redis_name("jobs", current_app.config["SQLALCHEMY_DATABASE_URI"])


def rq_queue(*, worker: bool = False):
    """The team's RQ queue; a worker's connection waits on it without a time limit."""
    from rq import Queue

    return Queue(queue_name(), connection=connect_redis(redis_url(), waits=worker))


# How long the worker's listening thread (told to stop a job) waits for a message at a
# time, and so the most its stop waits for that thread. RQ waits 60 s, and with redis-py
# 8.2, which joins the thread on stop, every stop (the end of a burst, a restart) took a
# minute.
LISTEN_SECONDS = 1


def team_worker(queue):  # -> rq.SimpleWorker (rq is imported only where jobs run)
    """A worker on ``queue`` that runs its jobs in this process (no fork per job), inside
    the app's context, and stops within a second."""
    from rq import SimpleWorker

    class TeamWorker(SimpleWorker):
        def subscribe(self) -> None:
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            self.pubsub_thread = self.pubsub.run_in_thread(
                sleep_time=LISTEN_SECONDS, daemon=True,
                exception_handler=self._pubsub_exception_handler)

    return TeamWorker([queue], connection=queue.connection)


OUTAGE_LOG_INTERVAL_SECONDS = 60


class QueueOutage:
    """Say that Redis cannot be reached when it first fails, then at most once a minute
    while it lasts, and once when it is back: each job's traceback is only for DEBUG."""

    def __init__(self, interval: float = OUTAGE_LOG_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._last: float | None = None  # when it was last said; None while Redis answers
        self._lock = threading.Lock()

    def failed(self, job_id: int, error: Exception) -> None:
        log.debug("Job %s could not be put on the queue", job_id, exc_info=True)
        with self._lock:
            now = monotonic()
            if self._last is not None and now - self._last < self.interval:
                return
            self._last = now
        log.warning("Redis cannot be reached (%s: %s): jobs run in this process until it is "
                    "back. Said once a minute while it lasts.", type(error).__name__, error)

    def ended(self) -> None:
        with self._lock:
            if self._last is None:
                return
            self._last = None
        log.warning("Redis answers again: jobs go to the queue.")


def dispatch(job_id: int, *, delay_seconds: float = 0) -> None:
    """Hand a job to whatever runs jobs here, now or after ``delay_seconds``."""
    app = current_app._get_current_object()
    if use_rq():
        import redis

        outage = app.extensions.setdefault("kanban_job_queue_outage", QueueOutage())
        try:
            _enqueue(job_id, delay_seconds)
        except redis.RedisError as exc:
            outage.failed(job_id, exc)
        else:
            outage.ended()
            return
    if not delay_seconds and has_request_context() and _kind_of(job_id).quick:
        @after_this_request
        def after_the_answer(response):
            response.call_on_close(lambda: _in_thread(app, job_id))
            return response

        return
    timers = app.extensions.setdefault("kanban_job_timers", set())
    timer = threading.Timer(delay_seconds, _in_thread, args=(app, job_id))
    timer.name = f"kanban-job-{job_id}"
    timer.daemon = True
    timers.add(timer)
    timer.start()


def forget_waiting_threads(app: Flask) -> None:
    """Stop the threads still waiting to start a job (an app being shut down). Their jobs
    keep their rows, queued or retrying."""
    for timer in app.extensions.pop("kanban_job_timers", set()):
        timer.cancel()


def _kind_of(job_id: int):
    from kanban.jobs import kinds
    from kanban.models.job import Job

    return kinds()[db.session.get(Job, job_id).kind]


def _enqueue(job_id: int, delay_seconds: float) -> None:
    kind = _kind_of(job_id)
    options = {"job_timeout": kind.timeout_seconds, "result_ttl": 3600,
               "failure_ttl": 7 * 86400, "description": f"kanban job {job_id} ({kind.name})"}
    queue = rq_queue()
    if delay_seconds > 0:
        queue.enqueue_in(timedelta(seconds=delay_seconds), perform_on_worker, job_id,
                         **options)
    else:
        queue.enqueue(perform_on_worker, job_id, **options)


def perform_on_worker(job_id: int) -> None:
    """What the RQ worker runs (``kanban worker`` holds the app's context)."""
    from kanban.jobs.runner import perform

    with current_app.app_context():
        try:
            perform(job_id)
        finally:
            db.session.remove()


def _in_thread(app: Flask, job_id: int) -> None:
    """Run a job in an app context of its own (a thread's, or after a request's answer)."""
    from kanban.jobs.runner import perform

    timers = app.extensions.get("kanban_job_timers", set())
    timers.discard(threading.current_thread())

    with app.app_context():
        try:
            perform(job_id)
        except Exception:  # the job's row says what happened; nothing more to do here
            log.exception("Job %s could not be run", job_id)
        finally:
            db.session.remove()
