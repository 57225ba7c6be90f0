"""The new code started before `kanban db upgrade`: a statement that fails on the old schema
answers 503 saying what to run, on staff pages and the API, instead of "Something went
wrong". The schema is looked at only when a statement failed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kanban.extensions import db
from kanban.migrating import schema_commands
from tests.api.conftest import assert_error
from tests.factories import LeadFactory

NEEDS_UPGRADE = "The database needs an upgrade: run kanban db upgrade."


@pytest.fixture
def leads_table_of_old() -> Iterator[None]:
    """The leads table lacks a column the code reads (as after a code update whose migration
    adds it); put back afterwards."""
    LeadFactory()
    db.session.commit()
    db.session.execute(text("ALTER TABLE leads RENAME COLUMN title TO title_of_old"))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("ALTER TABLE leads RENAME COLUMN title_of_old TO title"))
    db.session.commit()


@pytest.fixture
def schema_behind(app, leads_table_of_old) -> None:
    schema_commands().stamp(revision="0001_core")


def test_a_staff_page_says_the_database_needs_an_upgrade(schema_behind, member_client):
    response = member_client.get("/board")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert NEEDS_UPGRADE in response.get_data(as_text=True)


def test_the_api_says_the_database_needs_an_upgrade_in_its_json_shape(
    schema_behind, member_client
):
    error = assert_error(member_client.get("/api/v1/leads"), 503, "unavailable")

    assert error["message"] == NEEDS_UPGRADE


def test_the_page_says_it_in_the_browsers_language(schema_behind, member_client):
    response = member_client.get("/board", headers={"Accept-Language": "ru"})

    assert "Базу данных нужно обновить: выполните kanban db upgrade." in response.text


def test_a_failing_statement_on_a_current_schema_is_not_called_an_old_schema(
    app, leads_table_of_old, member_client
):
    schema_commands().stamp(revision="heads")

    try:
        said = member_client.get("/api/v1/leads").text
    except DBAPIError as error:  # a bug, shown as one (a 500 in production)
        said = str(error)

    assert "needs an upgrade" not in said
