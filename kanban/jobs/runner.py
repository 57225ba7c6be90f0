"""Running one job: claimed once, reported, retried with back-off, and always finished."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta

from sqlalchemy import func, update

from kanban.extensions import db
from kanban.i18n import in_language_of
from kanban.jobs import JobCancelled, JobContext, kinds, stopped_before_start
from kanban.models.base import utcnow
from kanban.models.job import CANCELLED, DONE, FAILED, QUEUED, RETRYING, RUNNING, Job
from kanban.outages import is_unavailable

log = logging.getLogger(__name__)
OUTCOME_WAITS = (1, 2, 4, 8, 15, 30, 60)  # seconds between tries of writing an outcome


def perform(job_id: int, *, on_progress: Callable[[int, int], None] | None = None,
            retry: bool = True) -> None:
    """Run the job ``job_id`` if it is waiting: one runner claims it, whoever else is told.

    Runs in the current app context (the worker's, the thread's, the command's)."""
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id)
    kind = kinds().get(job.kind)
    if kind is None:
        _finish(job, FAILED, error=f"No kind of job is called {job.kind!r} any more "
                                   f"(was its plugin removed?)")
        return
    context = JobContext(job, on_progress)
    try:
        with in_language_of(job.user):
            result = kind.run(context)
    except JobCancelled:
        recorded(lambda: _finish(db.session.get(Job, job_id), CANCELLED), afresh=True)
    except Exception as exc:
        log.exception("Job %s (%s) failed", job_id, kind.name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        recorded(lambda: _record_failure(job_id, kind, error, retry=retry), afresh=True)
    else:
        recorded(lambda: _record_success(job_id, result))


def recorded(write: Callable[[], None], *, afresh: bool = False) -> None:
    """Write a job's outcome (``afresh``: after dropping what the job left unsaved). A job
    often fails because the database stopped answering, and then so does this write: it
    is tried again for about two minutes, so that a short outage ends with the job
    retrying or failed, never left "running"."""
    for wait in (*OUTCOME_WAITS, None):
        if afresh:
            with suppress(Exception):  # the connection may be gone with the database
                db.session.rollback()
        afresh = True
        try:
            write()
            return
        except Exception as exc:
            if wait is None or not is_unavailable(exc):
                raise
            log.warning("The database did not answer; the job's outcome is written again "
                        "in %s s", wait)
            time.sleep(wait)


def _record_failure(job_id: int, kind, error: str, *, retry: bool) -> None:
    job = db.session.get(Job, job_id)
    if retry and job.attempts <= len(kind.retry_minutes):
        wait = kind.retry_minutes[job.attempts - 1] * 60
        job.status, job.error = RETRYING, error
        job.not_before = utcnow() + timedelta(seconds=wait)
        db.session.commit()
        from kanban.jobs.queue import dispatch

        dispatch(job_id, delay_seconds=wait)
    else:
        _finish(job, FAILED, error=error)


def _record_success(job_id: int, result: dict | None) -> None:
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    job.done = max(job.done, job.total)
    _finish(job, DONE, result=result or {})


def _claim(job_id: int) -> bool:
    """Mark a waiting job running (one conditional UPDATE: two runners never both start
    it); a job cancelled while it waited is finished as cancelled instead."""
    now = utcnow()
    cancelled = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status.in_((QUEUED, RETRYING)),
                          Job.cancel_requested.is_(True))
        .values(status=CANCELLED, finished_at=now)
    ).rowcount
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status.in_((QUEUED, RETRYING)))
        .values(status=RUNNING, attempts=Job.attempts + 1, not_before=None,
                started_at=func.coalesce(Job.started_at, now))
    ).rowcount
    db.session.commit()
    if cancelled:
        stopped_before_start(db.session.get(Job, job_id))
    return bool(claimed) and not cancelled


def _finish(job: Job, status: str, *, error: str = "", result: dict | None = None) -> None:
    job.status = status
    job.finished_at = utcnow()
    if error:
        job.error = error
    elif status == DONE:
        job.error = ""
    if result is not None:
        job.result = result
    db.session.commit()
