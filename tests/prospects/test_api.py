"""Lists and rows in the JSON API, as the OpenAPI document describes them."""

from __future__ import annotations

from datetime import date, timedelta

from kanban_prospects.lists import RowQuery, find_rows

from kanban.extensions import db
from kanban.models import Lead


def test_a_list_is_created_filled_and_read(member_client):
    made = member_client.post("/api/v1/prospect-lists", json={
        "name": "Fair", "columns": [{"name": "Company", "field": "company"},
                                    {"name": "City", "field": ""}]})
    assert made.status_code == 201
    list_id = made.get_json()["id"]
    row = member_client.post(f"/api/v1/prospect-lists/{list_id}/rows",
                             json={"cells": ["Padaria", "Lisboa"]})
    assert row.status_code == 201 and row.get_json()["cells"] == ["Padaria", "Lisboa"]
    page = member_client.get(f"/api/v1/prospect-lists/{list_id}/rows?q=lisboa").get_json()
    assert (page["total"], page["rows"][0]["status"]) == (1, "to_contact")
    assert member_client.get(f"/api/v1/prospect-lists/{list_id}").get_json()[
        "progress"]["rows"] == 1


def test_a_bad_column_is_named(member_client):
    answer = member_client.post("/api/v1/prospect-lists", json={
        "name": "Fair", "columns": [{"name": "A", "field": "nonsense"}]})
    assert answer.status_code == 422
    assert "columns" in answer.get_json()["error"]["fields"]


def test_a_row_without_cells_is_refused(member_client, make_list):
    answer = member_client.post(f"/api/v1/prospect-lists/{make_list().id}/rows",
                                json={"cells": []})
    assert answer.status_code == 422 and "cells" in answer.get_json()["error"]["fields"]


def test_status_and_call_back_date_through_patch(member_client, make_list, fair_rows):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    back = (date.today() + timedelta(days=40)).isoformat()
    answer = member_client.patch(f"/api/v1/prospect-rows/{row.id}", json={
        "status": "call_back", "call_back_on": back})
    assert answer.get_json()["call_back_on"] == back
    bad = member_client.patch(f"/api/v1/prospect-rows/{row.id}", json={
        "status": "call_back", "call_back_on": "tomorrow"})
    assert bad.status_code == 422 and "call_back_on" in bad.get_json()["error"]["fields"]


def test_make_a_lead_through_the_api_and_a_second_time_409(member_client, make_list,
                                                           fair_rows, pipeline):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    url = f"/api/v1/prospect-rows/{row.id}/lead"
    made = member_client.post(url, json={"stage_id": pipeline.stages[0].id})
    assert made.status_code == 201
    assert made.get_json()["row"]["lead_id"] == db.session.query(Lead).one().id
    assert member_client.post(url, json={"stage_id": pipeline.stages[0].id}).status_code == 409


def test_a_touch_through_the_api(member_client, make_list, fair_rows):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    answer = member_client.post(f"/api/v1/prospect-rows/{row.id}/touches",
                                json={"kind": "call", "body": "Call me in May."})
    assert answer.status_code == 201


def test_the_document_describes_every_prospect_path(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/prospect-lists", "/prospect-lists/{list_id}", "/prospect-lists/{list_id}/rows",
            "/prospect-rows/{row_id}", "/prospect-rows/{row_id}/touches",
            "/prospect-rows/{row_id}/lead"} <= set(paths)


def test_an_unknown_row_is_404_in_json(member_client):
    answer = member_client.get("/api/v1/prospect-rows/12345")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_a_row_id_too_big_for_any_row_is_404_in_json(member_client):
    answer = member_client.get("/api/v1/prospect-rows/" + "9" * 33)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_a_list_id_too_big_for_any_list_is_404_in_json(member_client):
    answer = member_client.get("/api/v1/prospect-lists/" + "9" * 33)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_a_rows_cells_are_corrected_through_patch(member_client, make_list, fair_rows):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    answer = member_client.patch(f"/api/v1/prospect-rows/{row.id}", json={
        "cells": ["Padaria Lisboa", "Ana Sousa", "", "ana@padaria.example", "Porto", "12"]})
    assert answer.status_code == 200 and answer.get_json()["cells"][4] == "Porto"
    empty = member_client.patch(f"/api/v1/prospect-rows/{row.id}", json={"cells": ["", " "]})
    assert empty.status_code == 422 and "cells" in empty.get_json()["error"]["fields"]
