"""The jobs history and one job's page: who sees what, the progress, cancelling."""

from __future__ import annotations

from kanban.extensions import db
from kanban.models.job import Job


def job_of(user, **values) -> Job:
    job = Job(kind="test.count", user_id=user.id if user else None, **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_running_jobs_page_shows_its_bar_and_a_cancel_button(counting, member,
                                                               member_client):
    job = job_of(member, status="running", done=250, total=1000)
    page = member_client.get(f"/jobs/{job.id}").text
    assert '<progress id="job-progress" max="100" value="25"' in page
    assert "Running" in page and "250 of 1,000" in page
    assert f'action="/jobs/{job.id}/cancel"' in page


def test_the_page_script_reads_the_same_view_as_json(counting, member, member_client):
    job = job_of(member, status="done", done=30, total=30, result={"message": "counted"})
    view = member_client.get(f"/jobs/{job.id}", headers={"Accept": "application/json"}).json
    assert view == {**view, "status": "done", "status_text": "Done", "percent": 100,
                    "finished": True, "message": "counted", "label": "Counting"}


def test_cancelling_a_running_job_asks_it_to_stop(counting, member, member_client):
    job = job_of(member, status="running")
    response = member_client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
    assert "The job stops at its next step" in response.text and "Stopping…" in response.text
    db.session.refresh(job)
    assert job.cancel_requested


def test_cancelling_a_waiting_job_cancels_it_at_once(counting, member, member_client):
    job = job_of(member, status="queued")
    response = member_client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
    assert "cancelled before it started" in response.text
    db.session.refresh(job)
    assert job.status == "cancelled" and job.finished_at is not None
    assert f'action="/jobs/{job.id}/cancel"' not in response.text


def test_cancelling_a_finished_job_says_there_was_nothing_to_stop(counting, member,
                                                                  member_client):
    job = job_of(member, status="done")
    response = member_client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
    assert "already finished" in response.text
    db.session.refresh(job)
    assert not job.cancel_requested


def test_a_member_sees_only_their_own_jobs(counting, member, manager, member_client):
    mine, theirs = job_of(member, status="done"), job_of(manager, status="done")
    history = member_client.get("/jobs").text
    assert f"/jobs/{mine.id}" in history and f"/jobs/{theirs.id}" not in history
    assert member_client.get(f"/jobs/{theirs.id}").status_code == 404
    assert member_client.post(f"/jobs/{theirs.id}/cancel").status_code == 404


def test_a_manager_sees_the_teams_jobs(counting, member, manager_client):
    theirs = job_of(member, status="done")
    assert f"/jobs/{theirs.id}" in manager_client.get("/jobs").text
    assert manager_client.get(f"/jobs/{theirs.id}").status_code == 200


def test_routine_rounds_are_listed_for_admins_who_ask(app, admin_client):
    job = Job(kind="notify.send", status="done")
    db.session.add(job)
    db.session.commit()
    assert f"/jobs/{job.id}" not in admin_client.get("/jobs").text
    assert f"/jobs/{job.id}" in admin_client.get("/jobs?all=1").text


def test_an_unknown_job_is_404(member_client):
    assert member_client.get("/jobs/999").status_code == 404


def test_a_job_whose_server_stopped_says_so_in_plain_words(counting, member, member_client):
    from kanban.jobs import ABANDONED

    job = job_of(member, status="failed", error=ABANDONED)
    assert "The server stopped while this job ran; start it again." in member_client.get(
        f"/jobs/{job.id}").text
