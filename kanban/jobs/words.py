"""A job's state in the reader's words: on its page, in the jobs history, in ``kanban jobs``."""

from __future__ import annotations

from flask_babel import gettext as _

from kanban.jobs import ABANDONED, JobKind
from kanban.models.job import CANCELLED, DONE, FAILED, QUEUED, RETRYING, RUNNING, Job
from kanban.templating import moment


def status_text(job: Job) -> str:
    """Say where a job is: waiting, running, done, cancelled, failed (and when it is tried
    again)."""
    if job.status == QUEUED:
        if job.not_before is not None:
            return _("Waiting until %(when)s", when=moment(job.not_before))
        return _("Waiting to start")
    if job.status == RUNNING:
        return _("Stopping…") if job.cancel_requested else _("Running")
    if job.status == RETRYING:
        return _("Failed; it will be tried again at %(when)s",
                 when=moment(job.not_before)) if job.not_before else _("Failed")
    if job.status == DONE:
        return _("Done")
    if job.status == CANCELLED:
        return _("Cancelled")
    return _("Failed")


def error_text(job: Job) -> str:
    """Say why a job failed ("" when it did not)."""
    if job.status not in (FAILED, RETRYING):
        return ""
    if job.error == ABANDONED:
        return _("The server stopped while this job ran; start it again.")
    return job.error


def result_message(job: Job, kind: JobKind | None) -> str:
    """Say a finished job's outcome in the reader's words."""
    if not job.result:
        return ""
    if kind is not None and kind.describe is not None:
        return kind.describe(job.result)
    return str(job.result.get("message", ""))
