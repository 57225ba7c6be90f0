"""Plugins declare their kinds of job; the core lists them and refuses unknown ones."""

from __future__ import annotations

import time

from kanban import hookimpl, jobs
from kanban.jobs import JobContext, JobKind


class CountingPlugin:
    """Counts to ``params["to"]`` in steps of ten; fails its first ``params["fail"]``
    attempts; says how far it got."""

    calls: list[int] = []

    @hookimpl
    def kanban_register_jobs(self):
        return [JobKind("test.count", "Counting", self.count, retry_minutes=(0.001, 0.001))]

    def count(self, context: JobContext) -> dict:
        self.calls.append(context.attempt)
        if context.attempt <= context.params.get("fail", 0):
            raise RuntimeError(f"attempt {context.attempt} fails")
        to = context.params.get("to", 30)
        for done in range(0, to + 1, 10):
            context.progress(done, to)
            if context.params.get("slow"):
                time.sleep(0.05)
        return {"counted": to, "message": f"counted to {to}"}


def test_a_plugins_kind_of_job_is_listed_by_its_name(app, counting):
    kind = jobs.kinds()["test.count"]
    assert kind.label == "Counting" and kind.retry_minutes == (0.001, 0.001)


def test_without_the_plugin_its_kind_is_unknown(app):
    assert "test.count" not in jobs.kinds()
