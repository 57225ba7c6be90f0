"""The import pages: upload, preview and mapping, check, import, rejected rows download."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from kanban_csv.models import CsvImport
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Job, Lead
from tests.conftest import log_in
from tests.csv.conftest import parse
from tests.factories import UserFactory
from tests.jobs.conftest import wait_until_finished
from tests.spreadsheets import xls_file, xlsx_file

PROSPECTS = (
    "Nombre;Compañía;Teléfono;Correo electrónico;Importe\n"
    "José Muñoz;Café Olé;611 222 333;jose@ole.es;1.200,00\n"
    "Lucía;Librería Sur;;lucia@sur;\n"
    "José M.;Café Olé 2;611222333;;\n"
)


def upload(client, content: bytes, name: str = "prospects.csv", **form):
    data = {"file": (io.BytesIO(content), name), **form}
    return client.post("/csv/import", data=data, content_type="multipart/form-data")


def mapping_form(page_html: str) -> dict:
    """The selected value of every select of the mapping form, as the browser would send."""
    form = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page_html, re.S):
        chosen = re.search(r'<option value="([^"]*)"\s+selected', body)
        first = re.search(r'<option value="([^"]*)"', body)
        form[name] = (chosen or first).group(1)
    return form


def test_upload_shows_a_preview_and_guessed_columns(member_client, pipeline):
    response = upload(member_client, PROSPECTS.encode("cp1252"))
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "José Muñoz" in page.text and "Librería Sur" in page.text
    form = mapping_form(page.text)
    assert [form[f"map_{i}"] for i in range(5)] == [
        "contact_name", "company", "phone", "email", "value"]
    assert form["delimiter"] == ";"


def test_the_recent_imports_say_a_check_would_create_not_created(member_client, pipeline):
    location = upload(member_client, PROSPECTS.encode("utf-8-sig")).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[1].id)}
    member_client.post(location, data={**form, "action": "check"})
    page = member_client.get("/csv/import", headers={"Accept-Language": "es"}).text
    assert re.search(r"comprobado\s+\(Se crearían: 1; descartados: 2\)", page)


def test_check_then_import_then_download_the_rejected_rows(member_client, pipeline, member):
    location = upload(member_client, PROSPECTS.encode("utf-8-sig")).headers["Location"]
    form = {**mapping_form(member_client.get(location).text), "owner": str(member.id),
            "stage_id": str(pipeline.stages[1].id), "tags": "spain, fair"}
    check = member_client.post(location, data={**form, "action": "check"})
    assert check.status_code == 200
    assert "Would be created: 1" in check.text
    assert "Duplicates (left out): 1" in check.text
    assert "Invalid rows (left out): 1" in check.text
    assert db.session.scalar(select(func.count(Lead.id))) == 0

    done = member_client.post(location, data={**form, "action": "import"})
    assert "Created: 1 in Contacted" in done.text
    lead = db.session.scalars(select(Lead)).one()
    assert (lead.title, lead.value, lead.tags, lead.owner_id) == (
        "Café Olé", 1200, ["fair", "spain"], member.id)
    assert lead.source == "import: prospects.csv"

    record = db.session.scalars(select(CsvImport)).one()
    rejected = member_client.get(f"/csv/import/{record.id}/rejected.csv")
    rows = parse(rejected.data)
    assert rows[0][:4] == ["Row", "Problem", "Column", "Reason"]
    assert [row[:4] for row in rows[1:]] == [
        ["3", "invalid", "Correo electrónico", "This is not a valid email address."],
        ["4", "duplicate", "Teléfono", "Same phone number as row 2 of this file."],
    ]
    assert rows[1][4:] == ["Lucía", "Librería Sur", "", "lucia@sur", ""]


# Its first lead's address takes two lines of the file, in one cell: a spreadsheet shows
# Lucía on row 4, José M. on row 6 and Luis on row 7 (lines 5, 7 and 8 of the file).
OVER_TWO_LINES = (
    "Nombre;Compañía;Teléfono;Correo electrónico;Dirección\n"
    'José Muñoz;Café Olé;611 222 333;jose@ole.es;"Calle Mayor 1\n28013 Madrid"\n'
    "Ana;Ana SL;;ana@ana.es;\n"
    "Lucía;Librería Sur;;lucia@sur;\n"
    "Pedro;Pedro SL;;pedro@pedro.es;\n"
    "José M.;Café Olé 2;611222333;;\n"
    "Luis;Luis SL;;luis@;\n"
)


def test_rejected_rows_are_numbered_as_the_spreadsheet_shows_them(member_client, pipeline):
    location = upload(member_client, OVER_TWO_LINES.encode()).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    page = member_client.post(location, data={**form, "action": "check"}).text
    assert re.findall(r'<td class="num">(\d+)</td>', page) == ["4", "6", "7"]
    assert "Same phone number as row 2 of this file." in page
    record = db.session.scalars(select(CsvImport)).one()
    rejected = parse(member_client.get(f"/csv/import/{record.id}/rejected.csv").data)
    assert [row[0] for row in rejected[1:]] == ["4", "6", "7"]


def test_an_import_stopped_on_request_names_the_row_it_stopped_after(member_client, member,
                                                                     pipeline):
    from kanban_csv.jobs import IMPORT
    from sqlalchemy import update

    from kanban import jobs

    rows = "".join(f"Person {i};Street {i}\n" for i in range(1, 1200))
    upload(member_client, f'Name;Address\nAna;"Rua 1\nLisboa"\n{rows}'.encode())
    record = db.session.scalars(select(CsvImport)).one()

    def stop_after_the_first_batch(done: int, total: int) -> None:
        if done:
            with db.engine.begin() as connection:
                connection.execute(update(Job).values(cancel_requested=True))

    params = {"import_id": record.id, "dry_run": True, "mapping": ["contact_name", "ignore"],
              "stage_id": pipeline.stages[0].id, "owner_ids": [], "tags": [],
              "source": "import", "encoding": "", "delimiter": ""}
    job = jobs.run_here(IMPORT, params, user=member, on_progress=stop_after_the_first_batch)
    assert job.status == "cancelled"
    db.session.refresh(record)
    assert record.counts["failure"].startswith("Stopped at your request after row 501.")


def test_uploading_the_same_file_again_warns_and_creates_no_double(member_client, pipeline):
    for _attempt in range(2):
        location = upload(member_client, PROSPECTS.encode()).headers["Location"]
        page = member_client.get(location)
        form = {**mapping_form(page.text), "stage_id": str(pipeline.stages[0].id)}
        member_client.post(location, data={**form, "action": "import"})
    assert "This same file was imported on" in page.text
    assert db.session.scalar(select(func.count(Lead.id))) == 1


def test_a_file_over_the_size_limit_gets_a_clear_413(app, member_client, pipeline):
    app.config["CSV_IMPORT_MAX_BYTES"] = 1000
    response = upload(member_client, b"Company\n" + b"Acme\n" * 400)
    assert response.status_code == 413
    assert "larger than" in response.text and "CSV_IMPORT_MAX_BYTES" in response.text
    assert not list((Path(app.instance_path) / "csv-imports").glob("*"))


def test_the_size_limit_is_written_in_the_teams_language(app, member_client, pipeline):
    app.config.update(CSV_IMPORT_MAX_BYTES=1024 * 1024, LANGUAGE="ru")
    response = upload(member_client, b"Company\n" + b"Acme\n" * 300_000)
    assert response.status_code == 413
    assert "Файл больше 1 МБ" in response.text


def test_a_file_larger_than_the_apps_general_limit_is_accepted_for_import(app, member_client,
                                                                         pipeline):
    content = b"Company,Email\n" + b"".join(b"Shop %d,s%d@x.pt\n" % (i, i)
                                             for i in range(200_000))
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(member_client, content)
    assert response.status_code == 302


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty."),
    (b"Name,Email\r\n", "header row but no rows of data"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "not a CSV file"),
])
def test_bad_uploads_get_a_clear_message_not_a_500(member_client, pipeline, content, message):
    response = upload(member_client, content)
    assert response.status_code == 422
    assert message in response.text


def test_upload_without_a_file_asks_for_one(member_client, pipeline):
    response = member_client.post("/csv/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a CSV file" in response.text


def test_import_without_a_stage_asks_for_one(member_client, pipeline):
    location = upload(member_client, PROSPECTS.encode()).headers["Location"]
    form = mapping_form(member_client.get(location).text)
    form.pop("stage_id")
    response = member_client.post(location, data={**form, "action": "import"})
    assert response.status_code == 422
    assert "Choose the stage" in response.text


def test_someone_elses_import_is_not_found(member_client, admin, pipeline, app):
    location = upload(member_client, PROSPECTS.encode()).headers["Location"]
    other = log_in(app.test_client(), admin)
    assert other.get(location).status_code == 200  # admins and managers may help
    stranger = log_in(app.test_client(), UserFactory())
    assert stranger.get(location).status_code == 404


def test_the_separators_are_named_in_the_readers_language(member_client, pipeline):
    page = member_client.get("/csv/import", headers={"Accept-Language": "ru"}).text
    assert ">запятая</option>" in page and ">точка с запятой</option>" in page
    assert ">comma</option>" not in page


def test_navigation_links_to_the_import_page(member_client, pipeline):
    page = member_client.get("/csv/import")
    assert page.status_code == 200
    assert re.search(r'<a href="/csv/import"[^>]*>Import</a>', page.text)


@pytest.mark.parametrize("with_token, status", [(True, 302), (False, 400)])
def test_large_upload_passes_the_csrf_check_only_with_its_token(app, member, pipeline,
                                                                with_token, status):
    app.config["WTF_CSRF_ENABLED"] = True
    client = log_in(app.test_client(), member)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/csv/import").text)[1]
    content = b"Company,Email\n" + b"".join(b"Shop %d,s%d@x.pt\n" % (i, i)
                                             for i in range(200_000))
    assert len(content) > app.config["MAX_CONTENT_LENGTH"]
    form = {"csrf_token": token} if with_token else {}
    response = upload(client, content, **form)
    assert response.status_code == status


def test_the_report_counts_the_client_folders_made(member_client, pipeline):
    content = "Empresa;Correo;Carpeta de cliente\nCafé Olé;jose@ole.es;Grupo Olé\n"
    location = upload(member_client, content.encode()).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    assert form["map_2"] == "client"

    check = member_client.post(location, data={**form, "action": "check"})
    done = member_client.post(location, data={**form, "action": "import"})

    assert "New client folders to make: 1" in check.text
    assert "New client folders: 1" in done.text
    assert db.session.scalars(select(Lead)).one().client.name == "Grupo Olé"


def test_upload_with_control_characters_in_the_file_and_its_name_is_accepted_clean(
    member_client, pipeline
):
    response = upload(member_client, b"Name;Company\nAna\x07;Caf\x7f\xc3\xa9\n",
                      name="list\x1b.csv")
    assert response.status_code == 302
    record = db.session.scalars(select(CsvImport)).one()
    assert record.filename == "list.csv"
    page = member_client.get(response.headers["Location"])
    assert page.status_code == 200 and "Café" in page.text and "\x7f" not in page.text


def test_the_encoding_read_is_named_once_in_the_readers_language(member_client, pipeline):
    content = "Имя;Компания\nИван Петров;ООО Ромашка\nОльга;Берёзка\n".encode("cp1251")
    location = upload(member_client, content).headers["Location"]
    page = member_client.get(location, headers={"Accept-Language": "ru"}).text
    encodings = re.search(r'<select name="encoding"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", encodings)
    assert options[0] == "Windows-1251 (кириллица) (как прочитано сейчас)"
    assert "KOI8-R (кириллица)" in options and "Windows-1252 (Западная Европа)" in options
    assert not any("Windows-1251" in option for option in options[1:])


def long_list(rows: int) -> bytes:
    lines = ["Name;Company;Email"] + [f"Person {i};Firm {i};p{i}@firm{i}.example"
                                      for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_long_import_runs_as_a_job_whose_page_leads_to_the_report(app, member_client,
                                                                      pipeline):
    app.config["CSV_IMPORT_INLINE_ROWS"] = 1000
    location = upload(member_client, long_list(1_600)).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    response = member_client.post(location, data={**form, "action": "import"})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job_page = member_client.get(response.headers["Location"])
    assert "Import of leads from a spreadsheet" in job_page.text and "<progress" in job_page.text
    job = wait_until_finished(db.session.scalars(select(Job)).one().id)
    assert (job.status, job.done, job.total) == ("done", 1600, 1600)
    view = member_client.get(f"/jobs/{job.id}?format=json").get_json()
    assert view["finished"] and view["percent"] == 100
    assert view["message"] == "Created: 1,600; left out: 0"
    in_spanish = member_client.get(f"/jobs/{job.id}?format=json",
                                   headers={"Accept-Language": "es"}).get_json()
    assert in_spanish["message"] == "Creados: 1.600; descartados: 0"
    in_russian = member_client.get(f"/jobs/{job.id}?format=json",
                                   headers={"Accept-Language": "ru"}).get_json()
    assert in_russian["message"] == "Создано: 1\xa0600; пропущено: 0"
    report = member_client.get(view["result_url"])
    assert "Created: 1,600 in New" in report.text
    in_russian = member_client.get(view["result_url"], headers={"Accept-Language": "ru"}).text
    assert "Прочитано строк: 1\xa0600" in in_russian
    assert db.session.scalar(select(func.count(Lead.id))) == 1600
    record = db.session.scalars(select(CsvImport)).one()
    assert (record.status, record.counts["created"], record.stored_name) == ("imported", 1600, "")


def test_a_long_import_that_stops_at_a_broken_line_says_so_on_its_job(app, member_client,
                                                                       pipeline):
    app.config["CSV_IMPORT_INLINE_ROWS"] = 1000
    lines = (long_list(3_000).decode().replace("Person", "Pessoa Conceição")
             .replace("Pessoa Conceição 2500;", "Pessoa 2500 Caf\udce9;"))
    broken = lines.encode("utf-8", "surrogateescape")  # one stray byte past the sample
    location = upload(member_client, broken).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "import"})
    job = wait_until_finished(db.session.scalars(select(Job)).one().id)
    view = member_client.get(f"/jobs/{job.id}?format=json").get_json()
    assert view["message"] == (
        "Stopped before the end of the file (see the outcome). Created: 2,500; left out: 0")
    assert db.session.scalar(select(func.count(Lead.id))) == 2500


def test_a_long_check_runs_as_a_job_and_its_report_offers_the_import(app, member_client,
                                                                      pipeline):
    app.config["CSV_IMPORT_INLINE_ROWS"] = 100
    location = upload(member_client, long_list(700)).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "check"})
    job = wait_until_finished(db.session.scalars(select(Job)).one().id)
    view = member_client.get(f"/jobs/{job.id}?format=json").get_json()
    report = member_client.get(view["result_url"]).text
    assert "Would be created: 700" in report and 'name="action" value="import"' in report
    assert db.session.scalar(select(func.count(Lead.id))) == 0


def test_a_colleagues_import_job_is_not_shown_to_a_member(app, member_client, manager,
                                                          pipeline):
    from kanban import jobs

    job = jobs.Job(kind="csv.import", params={}, user_id=manager.id, status="done")
    db.session.add(job)
    db.session.commit()
    assert member_client.get(f"/jobs/{job.id}").status_code == 404


def test_a_short_import_answers_with_the_report_at_once(member_client, pipeline):
    location = upload(member_client, long_list(20)).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    response = member_client.post(location, data={**form, "action": "import"})
    assert response.status_code == 200 and "Created: 20 in New" in response.text
    assert db.session.query(Job).count() == 0


def test_the_import_page_links_past_imports_to_their_reports_and_the_jobs(member_client,
                                                                         pipeline):
    location = upload(member_client, long_list(3)).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "check"})
    record = db.session.scalars(select(CsvImport)).one()
    page = member_client.get("/csv/import").text
    assert f'href="/csv/import/{record.id}/report"' in page and ": checked" in page
    assert 'href="/jobs"' in page
    assert "Would be created: 3" in member_client.get(f"/csv/import/{record.id}/report").text


def test_a_checks_report_whose_file_is_gone_stays_a_check_without_the_import_form(
        member_client, pipeline):
    location = upload(member_client, long_list(3)).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "check"})
    record = db.session.scalars(select(CsvImport)).one()
    record.stored_name = ""  # removed after a day
    db.session.commit()
    page = member_client.get(f"/csv/import/{record.id}/report").text
    assert "Check of prospects.csv" in page and "Would be created: 3" in page
    assert 'value="import"' not in page


def test_a_report_checked_in_russian_is_shown_again_with_its_rejected_rows(member_client,
                                                                             pipeline):
    russian = {"Accept-Language": "ru"}
    location = upload(member_client, PROSPECTS.encode("utf-8-sig")).headers["Location"]
    form = {**mapping_form(member_client.get(location, headers=russian).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "check"}, headers=russian)
    record = db.session.scalars(select(CsvImport)).one()

    page = member_client.get(f"/csv/import/{record.id}/report", headers=russian)

    assert page.status_code == 200
    assert re.search(r"<td class=\"num\">3</td><td>ошибка</td>", page.text)
    assert re.search(r"<td class=\"num\">4</td><td>дубликат</td>", page.text)


def test_the_rejected_rows_download_in_the_readers_language_and_separator(member_client,
                                                                           pipeline):
    location = upload(member_client, PROSPECTS.encode("utf-8-sig")).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "check"})
    record = db.session.scalars(select(CsvImport)).one()

    rejected = member_client.get(f"/csv/import/{record.id}/rejected.csv",
                                 headers={"Accept-Language": "es"})

    first, second = rejected.data.decode("utf-8-sig").splitlines()[:2]
    assert first.startswith("Fila;Problema;Columna;Motivo;Nombre;")
    assert second.startswith("3;no válida;")


def test_a_report_an_earlier_version_kept_in_its_readers_words_still_reads(
        member_client, pipeline):
    location = upload(member_client, PROSPECTS.encode("utf-8-sig")).headers["Location"]
    form = {**mapping_form(member_client.get(location).text),
            "stage_id": str(pipeline.stages[0].id)}
    member_client.post(location, data={**form, "action": "check"})
    record = db.session.scalars(select(CsvImport)).one()
    record.rejected_csv = ("\ufeffFila;Problema;Columna;Motivo;Nombre\r\n"
                           "3;no válida;Correo;No es válido.;Lucía\r\n")
    db.session.commit()

    page = member_client.get(f"/csv/import/{record.id}/report")

    assert page.status_code == 200
    assert re.search(r"<td class=\"num\">3</td><td>invalid</td><td>Correo</td>", page.text)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_file_in_utf16_without_its_byte_order_mark_is_read(member_client, pipeline,
                                                             encoding):
    response = upload(member_client, PROSPECTS.encode(encoding))
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).text
    assert "UTF-16 (as read now)" in page and "José Muñoz" in page


@pytest.mark.parametrize("content", [xlsx_file(), xls_file()], ids=["xlsx", "xls"])
def test_an_excel_workbook_renamed_csv_is_told_to_be_saved_as_csv(member_client, pipeline,
                                                                  content):
    response = upload(member_client, content)
    assert response.status_code == 422
    assert "holds binary data. Save the sheet as CSV" in response.text
