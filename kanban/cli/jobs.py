"""``kanban worker`` runs background jobs from Redis; ``kanban jobs`` lists, follows and
cancels them."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from kanban import jobs
from kanban.extensions import db
from kanban.models.job import Job
from kanban.services.health import redis_problem, redis_url

if TYPE_CHECKING:
    from tqdm import tqdm


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run background jobs (imports, exports, emails, webhooks) from the team's Redis queue."""
    from kanban.jobs.queue import queue_name, rq_queue, team_worker, use_rq

    if redis_url() is None:
        raise click.ClickException(
            "No Redis is configured (KANBAN_RATELIMIT_STORAGE_URI=redis://…): jobs run in "
            "threads of the app itself and need no worker.")
    if not use_rq():
        raise click.ClickException(
            "KANBAN_JOBS_IN_THREADS is true: jobs run in threads of the app itself.")
    problem = redis_problem()
    if problem:
        raise click.ClickException(problem)
    # The scheduler puts retried jobs back on the queue when their wait is over.
    click.echo(f"Working on queue {queue_name()}.", err=True)
    team_worker(rq_queue(worker=True)).work(burst=burst, with_scheduler=True)


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
        raise click.BadParameter(f"Use one of: {', '.join(sorted(known))}.",
                                 param_hint="KIND")
    if use_rq():
        from kanban.services.health import redis_problem

        problem = redis_problem()
        if problem is None:
            job = jobs.start(kind, user=None)
            click.echo(f"Job {job.id} ({kind}) is queued for the worker.")
            return
        click.echo(f"{problem}: the job runs here instead, as without a worker.", err=True)
    from tqdm import tqdm  # only the commands with a progress bar wait for its import

    with tqdm(unit=" rows", disable=None, file=sys.stderr) as bar:
        job = jobs.run_here(kind, user=None,
                            on_progress=lambda done, total: advance(bar, done, total))
    click.echo(f"Job {job.id} ({kind}): {job.status}. "
               f"{job.result.get('message', '') if job.result else ''} {job.error}".strip())
    if job.status != "done":
        sys.exit(1)


@jobs_group.command("list")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_jobs(limit: int) -> None:
    """The latest jobs, newest first."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        who = job.user.email if job.user else "server"
        size = f"{job.done}/{job.total}" if job.total else str(job.done)
        click.echo(f"{job.id}\t{job.kind}\t{job.status}\t{size}\t{who}\t"
                   f"{job.created_at:%Y-%m-%d %H:%M}\t{job.error[:80]}")


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(f"There is no job {job_id}.")
    return job


@jobs_group.command("watch")
@click.argument("job_id", type=int)
@with_appcontext
def watch(job_id: int) -> None:
    """Follow a job with a progress bar until it ends."""
    from tqdm import tqdm

    job = _job(job_id)
    with tqdm(total=job.total or None, unit=" rows", disable=None, file=sys.stderr) as bar:
        while True:
            db.session.expire_all()
            job = _job(job_id)
            advance(bar, job.done, job.total)
            if job.finished:
                break
            time.sleep(0.5)
    click.echo(f"Job {job.id}: {job.status}. {job.error}".strip())
    if job.status != "done":
        sys.exit(1)


@jobs_group.command("cancel")
@click.argument("job_id", type=int)
@with_appcontext
def cancel(job_id: int) -> None:
    """Ask a job to stop at its next step."""
    job = _job(job_id)
    if jobs.request_cancel(job):
        click.echo(f"Job {job_id} was cancelled before it started." if job.finished
                   else f"Job {job_id} stops at its next step.")
    else:
        click.echo(f"Job {job_id} had already finished.")
