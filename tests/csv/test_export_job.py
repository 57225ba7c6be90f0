"""A big export is prepared in the background: its page follows it, then offers the file."""

from __future__ import annotations

from kanban_csv.jobs import EXPORT_STEP

from kanban import jobs
from kanban.extensions import db
from kanban.models import ExportRecord, Job
from tests.csv.conftest import parse
from tests.jobs.conftest import wait_until_finished


def prepare(client, **form) -> Job:
    response = client.post("/csv/export/jobs", data={"format": "csv", **form})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    return wait_until_finished(db.session.query(Job).one().id)


def test_a_big_export_page_offers_to_prepare_the_file(app, manager_client, leads):
    app.config["CSV_EXPORT_INLINE_ROWS"] = 2
    page = manager_client.get("/csv/export").text
    assert 'action="/csv/export/jobs"' in page and "Prepare the file" in page
    assert "These 4 leads make a big file" in page


def test_a_small_export_is_still_a_plain_download(manager_client, leads):
    page = manager_client.get("/csv/export").text
    assert 'action="/csv/export/download"' in page and "Prepare the file" not in page


def test_the_prepared_file_holds_the_filtered_leads_and_is_recorded(manager_client, leads):
    job = prepare(manager_client, tag="fair", columns=["title", "tags"])
    assert (job.status, job.done, job.total, job.result["rows"]) == ("done", 2, 2, 2)
    view = manager_client.get(f"/jobs/{job.id}?format=json").json
    download = manager_client.get(view["result_url"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    rows = parse(download.data)
    assert rows[0] == ["Title", "Tags"]
    assert sorted(row[0] for row in rows[1:]) == ["Padaria São João", "Компания Ромашка"]
    record = db.session.query(ExportRecord).one()
    assert (record.row_count, record.format, record.filters) == (2, "csv", {"tag": "fair"})


def test_only_the_person_who_asked_takes_the_file(app, manager_client, admin_client, leads):
    job = prepare(manager_client)
    assert admin_client.get(f"/csv/export/jobs/{job.id}/file").status_code == 404


def test_a_removed_file_says_to_prepare_it_again(manager_client, leads):
    job = prepare(manager_client)
    from kanban_csv.cleanup import export_folder

    (export_folder() / job.result["file"]).unlink()
    response = manager_client.get(f"/csv/export/jobs/{job.id}/file", follow_redirects=True)
    assert "no longer kept" in response.text and "prepare it again" in response.text


def test_a_member_cannot_start_an_export_job(member_client, leads):
    assert member_client.post("/csv/export/jobs", data={"format": "csv"}).status_code == 403
    assert db.session.query(Job).count() == 0


def test_a_cancelled_export_leaves_no_half_file(app, manager, leads, pipeline):
    from kanban_csv.cleanup import export_folder
    from sqlalchemy import update

    from tests.factories import LeadFactory

    LeadFactory.create_batch(EXPORT_STEP + 10, stage=pipeline.stages[0])

    def cancel_on_the_first_step(done: int, total: int) -> None:
        if done == EXPORT_STEP:
            with db.engine.begin() as connection:
                connection.execute(update(Job).values(cancel_requested=True))

    job = jobs.run_here("csv.export", {"filters": {}, "format": "csv", "columns": ["title"]},
                        user=manager, on_progress=cancel_on_the_first_step)
    assert job.status == "cancelled" and job.done == EXPORT_STEP
    assert list(export_folder().iterdir()) == []
