"""Background jobs: long work run away from the request that asked for it.

A plugin (or the core) declares its kinds of job with the ``kanban_register_jobs`` hook
(``JobKind``) and starts one with ``start(kind, params, user=...)``. With Redis configured
the job waits on the team's RQ queue for ``kanban worker``; without Redis (or with
``KANBAN_JOBS_IN_THREADS=true``) it runs in a thread of the app process. Either way the
``jobs`` table holds its progress, its outcome and who started it, so its page, the jobs
history and ``kanban jobs`` read one place, and a job can be cancelled from any of them.

A job's function receives a ``JobContext``: its parameters, the person who started it, and
``progress(done, total)``, which records how far it is and raises ``JobCancelled`` once
someone has asked it to stop (call it between transactions: it writes on a connection of
its own). A function that raises is tried again after each of ``retry_minutes``, then
given up with the error kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from kanban.extensions import db
from kanban.models import User
from kanban.models.base import utcnow
from kanban.models.job import CANCELLED, FAILED, FINISHED, QUEUED, RETRYING, RUNNING, Job
from kanban.plugins import collect

ABANDONED = "abandoned"  # a job's error when its process stopped while it ran
# A routine round waiting this long past its time never started: the thread that was to
# run it went with a restart. A new round does its work (one runner claims each item).
ROUND_LOST_AFTER = timedelta(minutes=1)


class JobCancelled(Exception):
    """Someone asked the job to stop: raised by ``JobContext.progress``."""


@dataclass(frozen=True)
class JobKind:
    """One kind of background work.

    ``run(context)`` does the work and returns a small dict kept as the job's result;
    ``label`` names the kind in the jobs history (a lazy string, in the plugin's own
    catalogue); ``result_url(job)`` is where the finished job's outcome is read (a report,
    a download), or None; ``describe(result)`` says a finished job's outcome in the
    reader's words when a page shows it (without it, the result's ``message`` as the job
    wrote it); ``listed=False`` keeps routine rounds (emails, webhooks, mail
    polling) out of the people's history while they still leave a row for admins;
    ``quick`` work (a round of emails), started while answering a request with no Redis,
    runs on that request's own thread once its answer has gone out, where long work gets a
    thread of its own. ``cancelled_before_start(job)`` undoes what starting the job set
    aside (an upload marked as being imported) when it is cancelled before it ran."""

    name: str
    label: str
    run: Callable[[JobContext], dict[str, Any] | None]
    retry_minutes: tuple[float, ...] = ()
    result_url: Callable[[Job], str | None] | None = None
    describe: Callable[[dict[str, Any]], str] | None = None
    listed: bool = True
    quick: bool = False
    timeout_seconds: int = 3 * 3600
    cancelled_before_start: Callable[[Job], None] | None = None


class JobContext:
    """What a running job knows about itself, and how it reports."""

    def __init__(self, job: Job, on_progress: Callable[[int, int], None] | None = None):
        self.job_id = job.id
        self.params: dict[str, Any] = dict(job.params or {})
        self.user: User | None = job.user
        self.attempt = job.attempts
        self._on_progress = on_progress

    def progress(self, done: int, total: int | None = None) -> None:
        """Record how far the job is (``total`` 0 or None: not known) and stop it, by
        raising ``JobCancelled``, when someone asked it to. Two statements: call it every
        batch (a few hundred rows), not every row."""
        if self._on_progress is not None:
            self._on_progress(done, total or 0)
        values: dict[str, Any] = {"done": done}
        if total:
            values["total"] = total
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(**values))
            cancel = connection.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
        if cancel:
            raise JobCancelled()


def kinds() -> dict[str, JobKind]:
    """Every kind of job the core and the plugins declare, by name."""
    return {kind.name: kind for kind in collect("kanban_register_jobs")}


def start(kind: str, params: dict[str, Any] | None = None, *, user: User | None,
          delay_seconds: float = 0) -> Job:
    """Write the job down and hand it to the queue (or a thread), to run now or after
    ``delay_seconds``; return its row."""
    from kanban.jobs.queue import dispatch

    if kind not in kinds():
        raise KeyError(f"No kind of job is called {kind!r}")
    job = _written(kind, params, user,
                   utcnow() + timedelta(seconds=delay_seconds) if delay_seconds else None)
    dispatch(job.id, delay_seconds=delay_seconds)
    return job


def _written(kind: str, params: dict[str, Any] | None, user: User | None,
             not_before: datetime | None = None) -> Job:
    job = Job(kind=kind, params=params or {}, user_id=user.id if user is not None else None,
              not_before=not_before)
    db.session.add(job)
    db.session.commit()
    return job


def start_round(kind: str, params: dict[str, Any] | None = None, *,
                at: datetime | None = None) -> Job | None:
    """Start a routine round (send what waits, fetch what is new) now, or ``at`` a later
    moment (the first retry due), unless one of the same kind already waits to start then,
    which will do this round's work too (unless it waits long past its time: lost)."""
    delay_seconds = max(1.0, (at - utcnow()).total_seconds()) if at is not None else 0
    waiting = select(Job.id).where(
        Job.kind == kind, Job.status == QUEUED,
        func.coalesce(Job.not_before, Job.created_at) > utcnow() - ROUND_LOST_AFTER)
    if delay_seconds:
        waiting = waiting.where(Job.not_before.is_not(None))
    else:
        waiting = waiting.where(Job.not_before.is_(None))
    if db.session.scalar(waiting.limit(1)) is not None:
        return None
    return start(kind, params, user=None, delay_seconds=delay_seconds)


def run_here(kind: str, params: dict[str, Any] | None = None, *, user: User | None,
             on_progress: Callable[[int, int], None] | None = None) -> Job:
    """Run a job in this process now (the command line), recorded like any other job;
    ``on_progress(done, total)`` is told each step, for a progress bar."""
    from kanban.jobs.runner import perform

    job_id = _written(kind, params, user).id
    perform(job_id, on_progress=on_progress, retry=False)
    db.session.expire_all()
    return db.session.get(Job, job_id)


def request_cancel(job: Job) -> bool:
    """Ask a job to stop; False when it had already finished. A job still waiting is
    cancelled at once (one conditional UPDATE: a runner claiming it meanwhile wins, and
    stops at its first progress step); a running one stops at its next progress step."""
    if job.status in FINISHED:
        return False
    waiting = db.session.execute(
        update(Job).where(Job.id == job.id, Job.status.in_((QUEUED, RETRYING)))
        .values(status=CANCELLED, cancel_requested=True, finished_at=utcnow())
    ).rowcount
    if not waiting:
        db.session.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True))
    db.session.commit()
    db.session.refresh(job)
    if waiting:
        stopped_before_start(job)
    return True


def stopped_before_start(job: Job) -> None:
    """Let the job's kind undo what starting it set aside: it will never run."""
    kind = kinds().get(job.kind)
    if kind is not None and kind.cancelled_before_start is not None:
        kind.cancelled_before_start(job)


def forget_old(keep_days: int) -> int:
    """Forget finished jobs older than ``keep_days`` (routine rounds after one day); return
    how many went."""
    now = utcnow()
    routine = [name for name, kind in kinds().items() if not kind.listed]
    forgotten = db.session.execute(
        delete(Job).where(Job.status.in_(FINISHED),
                          Job.created_at < now - timedelta(days=keep_days))
    ).rowcount
    if routine:
        forgotten += db.session.execute(
            delete(Job).where(Job.status.in_(FINISHED), Job.kind.in_(routine),
                              Job.created_at < now - timedelta(days=1))
        ).rowcount
    db.session.commit()
    return forgotten


def fail_abandoned() -> int:
    """Mark failed the jobs still 'running' long after their time limit: their process
    stopped (a restart, a crash) and they will never finish. Return how many."""
    now = utcnow()
    failed = 0
    for kind in kinds().values():
        failed += db.session.execute(
            update(Job).where(Job.kind == kind.name, Job.status == RUNNING,
                              Job.started_at < now - timedelta(seconds=kind.timeout_seconds))
            .values(status=FAILED, finished_at=now,
                    error=ABANDONED)
        ).rowcount
    db.session.commit()
    return failed


def run_overdue(*, grace_minutes: float = 5) -> int:
    """Run here the jobs still waiting well past their time (a thread's job whose app was
    restarted, a queue whose worker is down); one runner claims each, so a job the worker
    takes meanwhile runs once. Return how many were run."""
    from kanban.jobs.runner import perform

    late = utcnow() - timedelta(minutes=grace_minutes)
    waiting = list(db.session.scalars(
        select(Job.id).where(Job.status.in_((QUEUED, RETRYING)),
                             func.coalesce(Job.not_before, Job.created_at) < late)
        .order_by(Job.id)))
    for job_id in waiting:
        perform(job_id)
    return len(waiting)
