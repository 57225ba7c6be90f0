"""A double click on Import (or the same page posted twice) imports the file once."""

from __future__ import annotations

from kanban_csv.models import CsvImport
from kanban_csv.uploads import claim_for_import
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Job, Lead
from tests.csv.test_import_pages import PROSPECTS, long_list, mapping_form, upload
from tests.jobs.conftest import wait_until_finished


def import_form(client, location, pipeline) -> dict:
    return {**mapping_form(client.get(location).text), "stage_id": str(pipeline.stages[0].id),
            "action": "import"}


def test_a_second_import_of_a_file_being_imported_goes_to_its_job(app, member_client,
                                                                  pipeline):
    app.config["CSV_IMPORT_INLINE_ROWS"] = 100
    location = upload(member_client, long_list(300)).headers["Location"]
    form = import_form(member_client, location, pipeline)
    first = member_client.post(location, data=form)
    second = member_client.post(location, data=form)
    assert second.status_code == 303 and second.headers["Location"] in (
        first.headers["Location"], first.headers["Location"].replace("http://localhost", ""))
    wait_until_finished(db.session.scalars(select(Job)).one().id)
    assert db.session.scalar(select(func.count(Job.id))) == 1
    assert db.session.scalar(select(func.count(Lead.id))) == 300


def test_an_import_already_under_way_is_not_started_twice(member_client, pipeline):
    location = upload(member_client, PROSPECTS.encode()).headers["Location"]
    form = import_form(member_client, location, pipeline)
    record = db.session.scalars(select(CsvImport)).one()
    assert claim_for_import(record)  # the first click, still importing
    second = member_client.post(location, data=form)
    assert second.status_code == 409
    assert "being imported already" in second.text
    assert db.session.scalar(select(func.count(Lead.id))) == 0


def test_a_file_that_could_not_be_imported_can_be_tried_again(member_client, pipeline):
    location = upload(member_client, PROSPECTS.encode()).headers["Location"]
    form = {**import_form(member_client, location, pipeline), "encoding": "utf-16"}
    refused = member_client.post(location, data=form)
    assert refused.status_code == 422
    assert db.session.scalars(select(CsvImport)).one().status == "uploaded"


def test_an_import_cancelled_before_it_started_lets_the_file_be_imported(member_client,
                                                                        pipeline, member):
    location = upload(member_client, PROSPECTS.encode()).headers["Location"]
    form = import_form(member_client, location, pipeline)
    record = db.session.scalars(select(CsvImport)).one()
    assert claim_for_import(record)  # the import was started: its job waits for a worker
    job = Job(kind="csv.import", user_id=member.id, status="queued",
              params={"import_id": record.id, "dry_run": False})
    db.session.add(job)
    db.session.commit()

    member_client.post(f"/jobs/{job.id}/cancel")

    db.session.refresh(job)
    assert job.status == "cancelled"
    assert db.session.get(CsvImport, record.id).status == "uploaded"
    assert member_client.post(location, data=form).status_code == 200  # imported here
    assert db.session.scalar(select(func.count(Lead.id))) > 0
