"""``kanban worker`` runs background jobs from Redis; ``kanban jobs`` lists, follows and
cancels them."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from kanban import jobs
from kanban.extensions import db
from kanban.jobs.words import error_text, result_message, status_text
from kanban.models.job import Job
from kanban.services.health import redis_error, redis_url
from kanban.templating import moment

if TYPE_CHECKING:
    from tqdm import tqdm


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run background jobs (imports, exports, emails, webhooks) from the team's Redis queue.

    What it says itself is in the team's language, as ``kanban jobs``; the lines RQ logs
    while it works stay RQ's own."""
    from kanban.jobs.queue import queue_name, rq_queue, team_worker, use_rq

    if redis_url() is None:
        raise click.ClickException(_(
            "No Redis is configured (KANBAN_RATELIMIT_STORAGE_URI=redis://…): jobs run in "
            "threads of the app itself and need no worker."))
    if not use_rq():
        raise click.ClickException(_(
            "KANBAN_JOBS_IN_THREADS is true: jobs run in threads of the app itself."))
    problem = redis_unreachable()
    if problem:
        raise click.ClickException(problem)
    # The scheduler puts retried jobs back on the queue when their wait is over.
    click.echo(_("Working on queue %(queue)s.", queue=queue_name()), err=True)
    team_worker(rq_queue(worker=True)).work(burst=burst, with_scheduler=True)


def redis_unreachable() -> str | None:
    """Say, in the team's language, that Redis does not answer; None when it does."""
    error = redis_error()
    return _("Redis cannot be reached (%(error)s)", error=error) if error else None


def advance(bar: tqdm, done: int, total: int) -> None:
    """Move a progress bar to ``done`` of ``total`` (0: not known yet)."""
    if total and bar.total != total:
        bar.total = total
    bar.update(done - bar.n)


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: list, follow, cancel."""


@jobs_group.command("start")
@click.argument("kind")
@with_appcontext
def start(kind: str) -> None:
    """Start a round (notify.send, webhooks.deliver, mail.poll…) from cron: queued for
    `kanban worker` when Redis is configured, else run here and now."""
    from kanban.jobs.queue import use_rq

    known = jobs.kinds()
    if kind not in known:
        raise click.BadParameter(_("Use one of: %(choices)s.",
                                   choices=", ".join(sorted(known))), param_hint="KIND")
    if use_rq():
        problem = redis_unreachable()
        if problem is None:
            job = jobs.start(kind, user=None)
            click.echo(_("Job %(id)d (%(kind)s) is queued for the worker.", id=job.id,
                         kind=kind))
            return
        click.echo(_("%(problem)s: the job runs here instead, as without a worker.",
                     problem=problem), err=True)
    from kanban.cli.progress import ProgressBar  # only a command with a bar waits for tqdm

    with ProgressBar(known[kind].label) as bar:
        job = jobs.run_here(kind, user=None,
                            on_progress=lambda done, total: advance(bar, done, total))
    outcome = (result_message(job, known[kind]), error_text(job))
    click.echo(" ".join([_("Job %(id)d (%(kind)s): %(status)s.", id=job.id, kind=kind,
                           status=status_text(job)), *filter(None, outcome)]))
    if job.status != "done":
        sys.exit(1)


@jobs_group.command("list")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_jobs(limit: int) -> None:
    """The latest jobs, newest first."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        who = job.user.email if job.user else _("server")
        size = f"{job.done}/{job.total}" if job.total else str(job.done)
        click.echo(f"{job.id}\t{job.kind}\t{status_text(job)}\t{size}\t{who}\t"
                   f"{moment(job.created_at)}\t{error_text(job)[:80]}")


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(_("There is no job %(id)d.", id=job_id))
    return job


@jobs_group.command("watch")
@click.argument("job_id", type=int)
@with_appcontext
def watch(job_id: int) -> None:
    """Follow a job with a progress bar until it ends."""
    from kanban.cli.progress import ProgressBar

    job = _job(job_id)
    kind = jobs.kinds().get(job.kind)
    with ProgressBar(kind.label if kind else job.kind, job.total or None) as bar:
        while True:
            db.session.expire_all()
            job = _job(job_id)
            advance(bar, job.done, job.total)
            if job.finished:
                break
            time.sleep(0.5)
    click.echo(" ".join(filter(None, [_("Job %(id)d: %(status)s.", id=job.id,
                                        status=status_text(job)), error_text(job)])))
    if job.status != "done":
        sys.exit(1)


@jobs_group.command("cancel")
@click.argument("job_id", type=int)
@with_appcontext
def cancel(job_id: int) -> None:
    """Ask a job to stop at its next step."""
    job = _job(job_id)
    if jobs.request_cancel(job):
        click.echo(_("Job %(id)d was cancelled before it started: nothing was done.",
                     id=job_id) if job.finished else
                   _("Job %(id)d stops at its next step; what it already saved stays.",
                     id=job_id))
    else:
        click.echo(_("Job %(id)d had already finished: there was nothing to stop.", id=job_id))
