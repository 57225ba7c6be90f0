"""The pages: lists, a file imported into a list, the spreadsheet view, a row worked."""

from __future__ import annotations

import io
from pathlib import Path

from kanban_prospects.lists import RowQuery, find_rows
from kanban_prospects.models import ProspectList, RowStatus

from kanban.extensions import db
from kanban.models import Lead
from tests.spreadsheets import xlsx_file

MESSY = ("\ufeffEmpresa;Nome;Telemóvel;E-mail;Cidade\r\n"
         "Padaria Lisboa;Ana Sousa;912 345 678;ana@padaria.example;Lisboa\r\n"
         ";;;;\r\n"
         "\"Café \"\"Central\"\"\";Rui;\"+351 913\n000 000\";rui@cafe.example;Porto\r\n")


def upload(client, content: bytes, name="fair.csv", list_name="Fair"):
    return client.post("/prospects/import", data={
        "file": (io.BytesIO(content), name), "name": list_name},
        content_type="multipart/form-data")


def test_a_messy_excel_file_is_imported_into_a_list(member_client):
    answer = upload(member_client, MESSY.encode("utf-8"))
    assert answer.status_code == 302
    mapping = member_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Telemóvel" in mapping and 'value="phone" selected' in mapping
    form = {"name": "Fair", "column-0": "company", "column-1": "contact_name",
            "column-2": "phone", "column-3": "email", "column-4": ""}
    done = member_client.post(answer.headers["Location"], data=form)
    assert done.status_code == 303
    plist = db.session.query(ProspectList).one()
    rows = find_rows(plist, RowQuery()).rows
    assert [r.company for r in rows] == ["Padaria Lisboa", 'Café "Central"']
    assert rows[1].phone == "+351 913\n000 000"[:50]


def test_a_phone_exported_with_its_formula_guard_is_read_back_as_it_was(member_client):
    answer = upload(member_client, b"Company,Phone\r\nAgape,'+39 06 1234567\r\n")
    member_client.post(answer.headers["Location"], data={
        "name": "Again", "column-0": "company", "column-1": "phone"})
    row = find_rows(db.session.query(ProspectList).one(), RowQuery()).rows[0]
    assert row.phone == "+39 06 1234567"


def test_a_file_in_windows_1252_is_read(member_client):
    answer = upload(member_client, "Company,City\r\nCafé Ñandú,Málaga\r\n".encode("cp1252"))
    member_client.post(answer.headers["Location"], data={
        "name": "Spain", "column-0": "company", "column-1": ""})
    row = find_rows(db.session.query(ProspectList).one(), RowQuery()).rows[0]
    assert row.cells == ["Café Ñandú", "Málaga"]


def test_a_file_in_utf16_without_its_byte_order_mark_is_read(member_client):
    answer = upload(member_client, "Company,City\r\nCafé Ñandú,Málaga\r\n".encode("utf-16-le"))
    assert answer.status_code == 302
    member_client.post(answer.headers["Location"], data={
        "name": "Spain", "column-0": "company", "column-1": ""})
    row = find_rows(db.session.query(ProspectList).one(), RowQuery()).rows[0]
    assert row.cells == ["Café Ñandú", "Málaga"]


def test_a_binary_file_is_refused_in_plain_words(member_client):
    answer = upload(member_client, b"PK\x03\x04" + bytes(range(256)) * 40, name="list.xlsx")
    assert answer.status_code == 422
    assert "Save the sheet as CSV" in answer.get_data(as_text=True)


def test_an_excel_workbook_renamed_csv_is_told_to_be_saved_as_csv(member_client):
    answer = upload(member_client, xlsx_file(), name="list.csv")
    assert answer.status_code == 422
    assert "holds binary data. Save the sheet as CSV" in answer.get_data(as_text=True)


def test_no_file_names_the_field(member_client):
    answer = member_client.post("/prospects/import", data={"name": "x"},
                                content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "Choose a CSV file to upload." in answer.get_data(as_text=True)


def test_a_file_over_the_size_limit_shows_the_import_form_with_the_limit_named(app,
                                                                               member_client):
    app.config["PROSPECTS_MAX_BYTES"] = 1024 * 1024
    answer = upload(member_client, b"Company\n" + b"Padaria Lisboa\n" * 100_000)
    assert answer.status_code == 413
    page = answer.get_data(as_text=True)
    assert "This file is larger than 1 MB. Split it into smaller files." in page
    assert 'id="prospect-file" name="file" type="file"' in page
    assert not list((Path(app.instance_path) / "prospect-uploads").glob("*"))


def test_the_size_limit_is_written_in_the_teams_language(app, member_client):
    app.config.update(PROSPECTS_MAX_BYTES=1024 * 1024, LANGUAGE="ru")
    answer = upload(member_client, b"Company\n" + b"Padaria Lisboa\n" * 100_000)
    assert "Файл больше 1 МБ." in answer.get_data(as_text=True)


def test_a_file_under_the_size_limit_is_taken_to_its_mapping(app, member_client):
    app.config["PROSPECTS_MAX_BYTES"] = 1024 * 1024
    answer = upload(member_client, b"Company\n" + b"Padaria Lisboa\n" * 60_000)
    assert answer.status_code == 302


def test_a_gone_upload_is_404(member_client):
    assert member_client.get("/prospects/import/" + "0" * 32).status_code == 404
    assert member_client.get("/prospects/import/not-a-token").status_code == 404


def test_a_list_started_by_hand_guesses_its_columns(member_client):
    answer = member_client.post("/prospects/", data={
        "name": "Calls", "columns": "Company\nPhone\nNotes"})
    assert answer.status_code == 302
    plist = db.session.query(ProspectList).one()
    assert [c["field"] for c in plist.columns] == ["company", "phone", ""]


def test_a_list_started_by_hand_and_sent_twice_is_made_once(member_client):
    page = member_client.get("/prospects/").get_data(as_text=True)
    form = page.split('action="/prospects/"', 1)[1]
    token = form.split('name="once_token" value="', 1)[1].split('"', 1)[0]
    data = {"name": "Calls", "columns": "Company", "once_token": token}
    first = member_client.post("/prospects/", data=data)
    again = member_client.post("/prospects/", data=data)
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.query(ProspectList).count() == 1


def test_a_list_without_a_name_is_refused_with_the_field_named(member_client):
    answer = member_client.post("/prospects/", data={"name": "", "columns": "Company"})
    assert answer.status_code == 422
    assert "Give the list a name." in answer.get_data(as_text=True)


def test_the_list_view_sorts_filters_and_pages(member_client, make_list, fair_rows):
    plist = make_list(fair_rows)
    page = member_client.get(f"/prospects/{plist.id}?sort=4&order=desc").get_data(as_text=True)
    assert page.index("Milano") < page.index("Lisboa")
    assert 'aria-sort="descending"' in page
    filtered = member_client.get(f"/prospects/{plist.id}?column=0&value=padaria")
    assert "Ana Sousa" in filtered.get_data(as_text=True)
    assert "Marco Rossi" not in filtered.get_data(as_text=True)


def test_a_bad_filter_is_400_with_the_field_named(member_client, make_list):
    plist = make_list()
    answer = member_client.get(f"/prospects/{plist.id}?sort=99")
    assert answer.status_code == 400
    assert "Choose one of the list&#39;s columns." in answer.get_data(as_text=True)


def test_the_list_view_makes_the_same_queries_at_3_and_50_000_rows(app, member_client,
                                                                  make_list):
    from sqlalchemy import event

    def count(list_id):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert member_client.get(f"/prospects/{list_id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = make_list([["A", "", "", "", "", ""]] * 3, name="Small")
    big = make_list([[f"C{n}", "", "", "", "", ""] for n in range(50_000)], name="Big")
    count(small.id)  # the first request of a session reads what later ones keep
    assert count(small.id) == count(big.id)


def test_a_row_is_worked_from_its_page_and_goes_on_to_the_next(member_client, make_list,
                                                                fair_rows):
    plist = make_list(fair_rows)
    first, second = find_rows(plist, RowQuery()).rows[:2]
    answer = member_client.post(f"/prospects/rows/{first.id}/status", data={
        "status": "not_interested", "reason": "No need", "then": "next"})
    assert answer.headers["Location"].endswith(f"/prospects/rows/{second.id}")
    db.session.refresh(first)
    assert first.status == RowStatus.NOT_INTERESTED


def test_a_missing_reason_shows_the_row_again_with_the_field_named(member_client, make_list,
                                                                    fair_rows):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    answer = member_client.post(f"/prospects/rows/{row.id}/status",
                                data={"status": "not_interested", "reason": ""})
    assert answer.status_code == 422
    assert "Say why" in answer.get_data(as_text=True)


def test_make_a_lead_from_the_row_page_opens_the_lead(member_client, make_list, fair_rows,
                                                      pipeline):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    answer = member_client.post(f"/prospects/rows/{row.id}/lead",
                                data={"stage_id": str(pipeline.stages[0].id)})
    lead = db.session.query(Lead).one()
    assert answer.headers["Location"].endswith(f"/leads/{lead.id}")
    again = member_client.post(f"/prospects/rows/{row.id}/lead",
                               data={"stage_id": str(pipeline.stages[0].id)})
    assert again.status_code == 302 and db.session.query(Lead).count() == 1


def test_the_row_page_offers_the_open_lead_with_the_same_email(member_client, make_list,
                                                               fair_rows, pipeline):
    from tests.factories import LeadFactory

    known = LeadFactory(stage=pipeline.stages[1], email="ana@padaria.example", title="Bakery")
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    page = member_client.get(f"/prospects/rows/{row.id}").get_data(as_text=True)
    assert "already on the open lead Bakery" in page
    assert f'name="existing_lead_id" value="{known.id}"' in page


def test_the_export_has_the_columns_and_the_statuses(manager_client, make_list, fair_rows):
    plist = make_list(fair_rows)
    answer = manager_client.get(f"/prospects/{plist.id}/export?format=csv")
    lines = answer.get_data(as_text=True).splitlines()
    assert lines[0] == "Company,Contact,Phone,Email,City,Employees,Status,Call back on,Reason,Lead"
    assert lines[1].startswith("Padaria Lisboa,Ana Sousa,") and ",To contact," in lines[1]
    assert len(lines) == 4


def test_the_excel_export_starts_with_a_bom_for_excel(manager_client, make_list, fair_rows):
    plist = make_list(fair_rows)
    body = manager_client.get(f"/prospects/{plist.id}/export?format=excel").data
    assert body.startswith("\ufeff".encode())


def test_the_export_names_its_charset_once_and_refuses_an_unknown_format(manager_client,
                                                                          make_list, fair_rows):
    plist = make_list(fair_rows)
    answer = manager_client.get(f"/prospects/{plist.id}/export?format=csv")
    assert answer.headers["Content-Type"].count("charset") == 1
    assert manager_client.get(f"/prospects/{plist.id}/export?format=zzz").status_code == 404


def test_people_whose_role_may_not_export_are_refused(member_client, make_list):
    assert member_client.get(f"/prospects/{make_list().id}/export").status_code == 403


def test_an_unknown_list_is_404(member_client):
    assert member_client.get("/prospects/999").status_code == 404


def test_a_big_file_is_imported_in_the_background_with_its_progress(app, member_client):
    from kanban.models import Job
    from tests.jobs.conftest import wait_until_finished

    app.config["PROSPECTS_IMPORT_INLINE_ROWS"] = 50
    content = "Company,City\r\n" + "".join(f"Firm {n},Lisboa\r\n" for n in range(1200))
    answer = upload(member_client, content.encode())
    started = member_client.post(answer.headers["Location"], data={
        "name": "Big fair", "column-0": "company", "column-1": ""})
    job = db.session.query(Job).one()
    assert started.status_code == 303 and started.headers["Location"].endswith(f"/jobs/{job.id}")
    done = wait_until_finished(job.id)
    assert (done.status, done.result["rows"]) == ("done", 1200)
    plist = db.session.query(ProspectList).one()
    assert find_rows(plist, RowQuery()).total == 1200
    page = member_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/prospects/{plist.id}" in page


def test_a_manager_gives_the_ticked_rows(manager_client, make_list, fair_rows, member):
    rows = find_rows(make_list(fair_rows), RowQuery()).rows
    page = manager_client.get(f"/prospects/{rows[0].list_id}").get_data(as_text=True)
    assert f'name="row_id" value="{rows[0].id}" form="give-rows"' in page
    manager_client.post(f"/prospects/{rows[0].list_id}/assign", data={
        "assignee_id": str(member.id), "row_id": [str(rows[0].id), str(rows[2].id)],
        "what": "ticked"})
    for row in rows:
        db.session.refresh(row)
    assert [row.assignee_id for row in rows] == [member.id, None, member.id]


def test_giving_with_nothing_ticked_says_so(manager_client, make_list, fair_rows, member):
    plist = make_list(fair_rows)
    manager_client.post(f"/prospects/{plist.id}/assign", data={
        "assignee_id": str(member.id), "what": "ticked"})
    page = manager_client.get(f"/prospects/{plist.id}").get_data(as_text=True)
    assert "Tick the rows to give first." in page


def test_a_member_sees_no_ticks_and_cannot_give(member_client, make_list, fair_rows, member):
    plist = make_list(fair_rows)
    assert 'name="row_id"' not in member_client.get(f"/prospects/{plist.id}").get_data(
        as_text=True)
    answer = member_client.post(f"/prospects/{plist.id}/assign", data={
        "assignee_id": str(member.id), "what": "all"})
    assert answer.status_code == 403


def test_importing_twice_from_the_same_page_makes_one_list(member_client):
    mapping = upload(member_client, MESSY.encode()).headers["Location"]
    form = {"name": "Fair", "column-0": "company", "column-1": "contact_name",
            "column-2": "phone", "column-3": "email", "column-4": ""}
    first = member_client.post(mapping, data=form)
    second = member_client.post(mapping, data=form)
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    assert db.session.query(ProspectList).count() == 1


def test_a_refused_mapping_leaves_the_file_to_map_again(member_client):
    mapping = upload(member_client, MESSY.encode()).headers["Location"]
    refused = member_client.post(mapping, data={"name": "", "column-0": "company"})
    assert refused.status_code == 422 and "Give the list a name." in refused.text
    again = member_client.post(mapping, data={"name": "Fair", "column-0": "company"})
    assert again.status_code == 303


def test_a_row_with_a_bad_email_names_its_column_and_can_be_corrected(member_client, make_list,
                                                                       pipeline):
    plist = make_list([["Padaria", "Ana", "912 345 678", "ana at padaria", "Lisboa", "3"]])
    row = find_rows(plist, RowQuery()).rows[0]
    refused = member_client.post(f"/prospects/rows/{row.id}/lead",
                                 data={"stage_id": str(pipeline.stages[0].id)})
    assert refused.status_code == 422
    assert "<li>Email: " in refused.text and 'id="row-edit" open' in refused.text
    cells = {f"cell-{i}": value for i, value in enumerate(
        ["Padaria", "Ana", "912 345 678", "ana@padaria.example", "Lisboa", "3"])}
    member_client.post(f"/prospects/rows/{row.id}/edit", data=cells)
    made = member_client.post(f"/prospects/rows/{row.id}/lead",
                              data={"stage_id": str(pipeline.stages[0].id)})
    assert made.status_code == 302
    assert db.session.query(Lead).one().email == "ana@padaria.example"


def test_a_row_cannot_be_emptied(member_client, make_list, fair_rows):
    row = find_rows(make_list(fair_rows), RowQuery()).rows[0]
    answer = member_client.post(f"/prospects/rows/{row.id}/edit", data={"cell-0": " "})
    assert answer.status_code == 422 and "Fill in at least one column." in answer.text
