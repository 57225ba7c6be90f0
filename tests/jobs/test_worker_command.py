"""`kanban worker` in its own process imports a prospect list queued by the web page."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Job, Lead
from tests.csv.test_import_pages import long_list, mapping_form, upload
from tests.jobs.conftest import wait_until_finished


@pytest.fixture
def plugins() -> list[str]:
    return ["csv"]


@pytest.fixture
def app_config(app_config, redis_jobs_url):
    return {**app_config, "RATELIMIT_STORAGE_URI": redis_jobs_url,
            "CSV_IMPORT_INLINE_ROWS": 100}


def worker_env(app) -> dict[str, str]:
    return {**os.environ,
            "KANBAN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "KANBAN_SECRET_KEY": "test-secret",
            "KANBAN_INSTANCE_PATH": app.instance_path,  # where the uploaded file waits
            "KANBAN_PLUGINS": '["csv"]',
            "KANBAN_RATELIMIT_STORAGE_URI": app.config["RATELIMIT_STORAGE_URI"],
            "KANBAN_TIMEZONE": "UTC"}


def test_the_worker_process_imports_a_list_queued_by_the_page(app, member_client, pipeline):
    location = upload(member_client, long_list(1_200)).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "import"})
    job = db.session.scalars(select(Job)).one()
    assert job.status == "queued"  # no worker yet: it waits in Redis
    kanban = os.path.join(os.path.dirname(sys.executable), "kanban")
    finished = subprocess.run([kanban, "worker", "--burst"], env=worker_env(app),
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    done = wait_until_finished(job.id, seconds=5)
    assert (done.status, done.done, done.result["created"]) == ("done", 1200, 1200)
    assert db.session.scalar(select(func.count(Lead.id))) == 1200


def test_the_worker_without_redis_says_jobs_need_none(runner, app):
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "jobs run in threads of the app itself" in result.output


def check_output(app) -> str:
    from kanban.migrating import schema_commands

    schema_commands().stamp(revision="heads")
    app.config["SECRET_KEY"] = "k" * 48
    return app.test_cli_runner().invoke(args=["check"]).output


def test_the_check_warns_when_no_worker_takes_the_teams_jobs(app):
    assert "WARNING: No `kanban worker` is running" in check_output(app)


def test_the_check_is_content_while_a_worker_listens(app):
    kanban = os.path.join(os.path.dirname(sys.executable), "kanban")
    worker = subprocess.Popen([kanban, "worker"], env=worker_env(app),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # its group: the work horses with it
    try:
        deadline = time.monotonic() + 30
        while "No `kanban worker`" in (output := check_output(app)):
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.2)
        assert "kanban worker" not in output
    finally:  # killed: an idle worker may wait on Redis a while before a polite stop
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
