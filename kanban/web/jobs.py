"""Background jobs in the browser: their history, one job's progress, and cancelling it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from kanban import jobs
from kanban.extensions import db
from kanban.jobs.words import error_text, result_message, status_text
from kanban.models.job import Job
from kanban.web import bp

HISTORY_SIZE = 50


def visible_job(job_id: int) -> Job:
    """A job its starter, a manager or an admin may see; 404 for anyone else."""
    job = db.session.get(Job, job_id)
    if job is None or (job.user_id != current_user.id and not current_user.is_manager):
        abort(404)
    return job


def job_view(job: Job, kinds: dict[str, jobs.JobKind]) -> dict[str, Any]:
    """What a page (or the page's script) shows of one job."""
    kind = kinds.get(job.kind)
    result_url = kind.result_url(job) if kind and kind.result_url and job.finished else None
    if job.total:
        count = _("%(done)s of %(total)s", done=format_number(job.done),
                  total=format_number(job.total))
    else:
        count = format_number(job.done) if job.done else ""
    return {
        "id": job.id, "kind": job.kind, "label": str(kind.label) if kind else job.kind,
        "status": job.status, "status_text": status_text(job), "done": job.done,
        "total": job.total, "percent": job.percent, "count": count,
        "finished": job.finished, "cancel_requested": job.cancel_requested,
        "result_url": result_url, "error": error_text(job),
        "message": result_message(job, kind),
    }


@bp.get("/jobs")
def jobs_history():
    kinds = jobs.kinds()
    listed = [name for name, kind in kinds.items() if kind.listed]
    if current_user.is_admin and request.args.get("all"):
        listed = list(kinds)
    statement = select(Job).where(Job.kind.in_(listed)).order_by(Job.id.desc())
    if not current_user.is_manager:
        statement = statement.where(Job.user_id == current_user.id)
    shown = db.session.scalars(statement.limit(HISTORY_SIZE)).all()
    return render_template("web/jobs.html", page="jobs",
                           jobs=[(job, job_view(job, kinds)) for job in shown],
                           everything=bool(request.args.get("all")) and current_user.is_admin)


@bp.get("/jobs/<int:job_id>")
def show_job(job_id: int):
    job = visible_job(job_id)
    view = job_view(job, jobs.kinds())
    if request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json":
        return jsonify(view)
    return render_template("web/job.html", page="job", job=job, view=view)


@bp.post("/jobs/<int:job_id>/cancel")
def cancel_job(job_id: int):
    job = visible_job(job_id)
    if not jobs.request_cancel(job):
        flash(_("This job had already finished: there was nothing to stop."), "info")
        return redirect(url_for("web.show_job", job_id=job.id), 303)
    if job.finished:
        flash(_("The job was cancelled before it started: nothing was done."), "success")
    else:
        flash(_("The job stops at its next step; what it already saved stays."), "success")
    return redirect(url_for("web.show_job", job_id=job.id), 303)
