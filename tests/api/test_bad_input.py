"""Bad input is refused with a 4xx and a JSON error body, never a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Lead
from tests.api.conftest import assert_error
from tests.factories import LeadFactory

HUGE = 10**30


def test_unknown_address_inside_the_api_is_404_json(api):
    assert_error(api.get("/no-such-thing"), 404, "not_found")


def test_wrong_method_inside_the_api_is_405_json(api, pipeline):
    assert_error(api.open("PUT", "/leads", json={}), 405, "method_not_allowed")


def test_malformed_json_is_400(api, pipeline):
    response = api.post("/leads", data='{"title": ', content_type="application/json")
    assert_error(response, 400, "bad_json")


def test_invalid_utf8_is_400(api, pipeline):
    response = api.post("/leads", data=b'{"title": "\xff"}', content_type="application/json")
    assert_error(response, 400, "bad_json")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_json_number_constants_are_400(api, pipeline, number):
    response = api.post("/leads", data=f'{{"title": "A", "value": {number}}}',
                        content_type="application/json")
    assert_error(response, 400, "bad_json")


def test_a_number_too_large_for_any_number_type_is_named_in_plain_words(api, pipeline):
    response = api.post("/leads", data='{"title": "A", "value": 1e400}',
                        content_type="application/json")
    error = assert_error(response, 422)
    assert error["fields"] == {"value": "Must be a finite number."}
    assert error["message"] == "Some fields need your attention."


def test_deeply_nested_json_is_400(api, pipeline):
    body = '{"title": "A", "custom_fields": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert_error(api.post("/leads", data=body, content_type="application/json"), 400)


def test_non_json_content_type_is_415(api, pipeline):
    response = api.post("/leads", data="title=A", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")


def test_body_over_the_size_limit_is_413(api, app, pipeline):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    body = '{"title": "' + "x" * size + '"}'
    response = api.post("/leads", data=body, content_type="application/json")
    assert_error(response, 413, "too_large")


@pytest.mark.parametrize("body", [[{"title": "A"}], "A", 3, None])
def test_body_that_is_not_an_object_is_422(api, pipeline, body):
    import json

    response = api.post("/leads", data=json.dumps(body), content_type="application/json")
    assert_error(response, 422, "invalid")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stage_id", "1"),
        ("stage_id", True),
        ("stage_id", [1]),
        ("stage_id", {"id": 1}),
        ("stage_id", HUGE),
        ("stage_id", 1.5),
        ("owner_id", HUGE),
        ("owner_id", True),
        ("owner_id", 1e308),
        ("priority", "²"),
        ("priority", HUGE),
        ("value", "lots"),
        ("value", "12 mil"),
        ("value", "12.345"),
        ("value", 1500.555),
        ("value", "1.2.3"),
        ("value", -5),
        ("value", 10**15),
        ("value", [1]),
        ("title", {"a": 1}),
        ("title", "x" * 201),
        ("title", "Nul\x00byte"),
        ("title", "Lone \ud800 surrogate"),
        ("title", "Bell\x07"),
        ("contact_name", "Delete\x7f"),
        ("description", "Escape\x1b[31m"),
        ("company", "Low \udfff surrogate"),
        ("email", "not-an-email"),
        ("currency", "EURO"),
        ("tags", {"a": 1}),
        ("tags", ["a\x00"]),
        ("tags", [1, 2]),
        ("custom_fields", ["a"]),
        ("custom_fields", {"key": {"nested": 1}}),
        ("custom_fields", {"nul\x00": "x"}),
        ("next_action_kind", "later"),
        ("next_action_date", "tomorrow"),
        ("next_action_date", 20260101),
    ],
)
def test_create_lead_with_a_wrong_value_names_the_field(api, pipeline, field, value):
    response = api.post("/leads", json={"title": "A", field: value})
    error = assert_error(response, 422, "invalid")
    assert field in error["fields"]
    assert db.session.query(Lead).count() == 0


def test_create_lead_with_a_phone_without_digits_is_422_naming_the_phone(api, pipeline):
    response = api.post("/leads", json={"title": "A", "phone": "abc"})
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"phone": "A phone number needs digits."}
    assert db.session.query(Lead).count() == 0


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("title", 5, "Must be text."),
        ("phone", 912345678, "Must be text."),
        ("email", 1.5, "Must be text."),
        ("currency", 978, "Must be text."),
        ("starred", "yes", "Use true or false."),
        ("starred", 1, "Use true or false."),
        ("owner_id", "1", "Must be a whole number."),
        ("client_id", "1", "Must be a whole number."),
    ],
)
def test_create_lead_with_a_value_of_another_json_type_names_the_type(api, pipeline, field,
                                                                        value, said):
    response = api.post("/leads", json={"title": "A", field: value})
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {field: said}
    assert db.session.query(Lead).count() == 0


def test_an_edit_with_an_unknown_field_and_wrong_types_names_them_all(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])
    response = api.patch(f"/leads/{lead.id}", json={"starred": "yes", "owner_id": "7",
                                                   "bogus": 1})
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"starred": "Use true or false.",
                               "owner_id": "Must be a whole number.",
                               "bogus": "There is no such field."}


def test_edit_with_a_value_of_another_json_type_changes_nothing(api, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0], title="Kept", starred=False)
    response = api.patch(f"/leads/{lead.id}", json={"title": 7, "starred": "yes"})
    error = assert_error(response, 422, "invalid")
    assert error["fields"] == {"title": "Must be text.", "starred": "Use true or false."}
    db.session.expire_all()
    assert (lead.title, lead.starred) == ("Kept", False)


def test_api_keeps_tabs_and_newlines(api, pipeline):
    response = api.post("/leads", json={"title": "A", "description": "one\r\n\ttwo"})
    assert response.status_code == 201
    assert db.session.scalars(select(Lead)).one().description == "one\r\n\ttwo"


def test_api_says_what_to_do_about_a_control_character(api, pipeline):
    error = assert_error(api.post("/leads", json={"title": "A\x07"}), 422, "invalid")
    assert "title" in error["message"] and "Retype" in error["message"]
    assert "control character" in error["fields"]["title"]


@pytest.mark.parametrize(
    "body",
    [
        {"stage_id": "2", "version": 1},
        {"stage_id": True, "version": 1},
        {"stage_id": HUGE, "version": 1},
        {"version": 1},
        {"stage_id": 1, "version": "1"},
        {"stage_id": 1, "version": True},
        {"stage_id": 1, "version": 1, "before_id": "3"},
        {"stage_id": 1, "version": 1, "after_id": False},
        {"stage_id": 1, "version": 1, "after_id": HUGE},
        {"stage_id": 1, "version": 1, "before_id": -1},
    ],
)
def test_move_with_a_wrong_type_is_422(api, column, body):
    response = api.post(f"/leads/{column[0].id}/move", json=body)
    assert_error(response, 422, "invalid")


def test_move_with_a_huge_version_is_a_conflict(api, column):
    response = api.post(f"/leads/{column[0].id}/move",
                        json={"stage_id": column[0].stage_id, "version": HUGE})
    assert_error(response, 409, "conflict")


@pytest.mark.parametrize(
    "body",
    [
        {"status": ["won"]},
        {"status": "lost", "lost_reason": "x\x00"},
        {"status": "lost", "lost_reason": "x" * 256},
        {"status": "won", "version": "1"},
    ],
)
def test_close_with_a_wrong_value_is_422(api, column, body):
    assert_error(api.post(f"/leads/{column[0].id}/close", json=body), 422, "invalid")


@pytest.mark.parametrize(
    "body",
    [{"body": 5}, {"body": ["x"]}, {"body": "x\x00"}, {"body": "x\x08"}, {"body": "x\ud800"},
     {"body": "x", "kind": ["note"]},
     {"body": "x" * 100_001}],
)
def test_add_note_with_a_wrong_value_is_422(api, column, body):
    assert_error(api.post(f"/leads/{column[0].id}/notes", json=body), 422, "invalid")


@pytest.mark.parametrize(("path", "body", "named"), [
    ("notes", {"body": "Called", "folow_up": {"follow_up": "today"}}, "folow_up"),
    ("notes", {"body": "Called", "kind": "call",
               "follow_up": {"follow_up": "today", "followup_time": "10:00"}},
     "follow_up.followup_time"),
    ("move", {"stage_id": 1, "version": 1, "afterid": 2}, "afterid"),
    ("close", {"status": "lost", "razon": "Price"}, "razon"),
    ("reopen", {"foo": 1}, "foo"),
])
def test_a_misspelt_field_is_refused_by_name_and_nothing_changes(api, column, path, body,
                                                                 named):
    lead = column[0]

    error = assert_error(api.post(f"/leads/{lead.id}/{path}", json=body), 422)

    assert error["fields"][named] == "There is no such field."
    assert api.get(f"/leads/{lead.id}/activities").get_json()["total"] == 0


def test_a_note_whose_body_is_no_text_says_so(api, column):
    error = assert_error(api.post(f"/leads/{column[0].id}/notes", json={"body": 123}), 422)

    assert error["fields"] == {"body": "Must be text."}


def test_update_with_a_string_version_is_422(api, column):
    response = api.patch(f"/leads/{column[0].id}", json={"title": "B", "version": "1"})
    assert "version" in assert_error(response, 422)["fields"]


def test_reopen_with_a_non_json_body_is_415(api, column):
    response = api.post(f"/leads/{column[0].id}/reopen", data="x", content_type="text/plain")
    assert_error(response, 415)


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=x",
        "page=99999999999999999999999",
        "per_page=0",
        "per_page=501",
        "per_page=-1",
        "stage_id=abc",
        "stage_id=99999999999999999999999",
        "pipeline_id=0",
        "owner_id=-3",
        "priority=urgent",
        "priority=²",
        "status=maybe",
        "created_from=yesterday",
        "created_to=2026-02-30",
        "q=nul%00",
        "tag=nul%00",
    ],
)
def test_list_leads_with_a_bad_parameter_is_422(api, pipeline, query):
    error = assert_error(api.get(f"/leads?{query}"), 422, "invalid")
    assert query.split("=")[0] in error["fields"]


def test_list_leads_past_the_last_page_is_empty(api, column):
    body = api.get("/leads?page=1000000&per_page=500").get_json()
    assert (body["leads"], body["total"]) == ([], 3)


@pytest.mark.parametrize("path", ["/leads/99999999999999999999", "/leads/2147483648/activities",
                                  "/pipelines/99999999999999999999"])
def test_path_id_too_large_for_the_database_is_404(api, pipeline, path):
    assert_error(api.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/leads/2147483648"), ("DELETE", "/leads/2147483648"),
     ("POST", "/leads/99999999999999999999/move"), ("POST", "/leads/2147483648/notes")],
)
def test_write_to_an_id_too_large_for_the_database_is_404(api, pipeline, method, path):
    assert_error(api.open(method, path, json={"stage_id": 1, "version": 1}), 404, "not_found")


def test_largest_possible_id_is_an_ordinary_404(api, pipeline):
    assert_error(api.patch("/leads/2147483647", json={"title": "A"}), 404, "not_found")
