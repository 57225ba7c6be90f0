"""``kanban import``: the same checks as the page, from a terminal."""

from __future__ import annotations

import stat

import click.testing
from sqlalchemy import func, select

from kanban.extensions import db
from kanban.models import Lead
from kanban.private_files import PRIVATE_MODE
from tests.csv.conftest import parse, write_file
from tests.factories import PipelineFactory, UserFactory

LIST = "Имя,Компания,Телефон,Почта,Сумма,Отрасль\n" \
       "Иван Петров,ООО Ромашка,+7 495 123 45 67,ivan@romashka.ru,2000,Retail\n" \
       "Пётр,ООО Лютик,,petr@,x,\n"


def count() -> int:
    return db.session.scalar(select(func.count(Lead.id)))


def test_dry_run_reports_and_writes_the_rejected_rows(runner, pipeline, tmp_path):
    source = write_file(tmp_path / "list.csv", LIST, "cp1251")
    report = tmp_path / "rejected.csv"
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                                 "--dry-run", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert ("Rows read: 2\nWould be created: 1\nDuplicates (left out): 0\n"
            "Invalid rows (left out): 1\n") in result.output
    assert "Row 3 (invalid) Почта: This is not a valid email address." in result.output
    assert count() == 0
    rows = parse(report.read_bytes())
    assert [row[:4] for row in rows[1:]] == [
        ["3", "invalid", "Почта", "This is not a valid email address."],
        ["3", "invalid", "Сумма", "Must be a number, such as 1500 or 1500.50."],
    ]


def test_a_rejected_row_is_named_as_the_spreadsheet_numbers_it(runner, pipeline, tmp_path):
    source = write_file(tmp_path / "list.csv", "Имя,Адрес,Почта\n"
                        'Иван,"Тверская, 1\nМосква",ivan@romashka.ru\n'
                        "Пётр,,petr@\n")
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                                 "--dry-run"])
    assert "Row 3 (invalid) Почта: This is not a valid email address." in result.output


def test_the_summary_is_in_the_teams_language_as_its_reasons_are(app, runner, pipeline,
                                                                    tmp_path):
    app.config["LANGUAGE"] = "it"
    source = write_file(tmp_path / "list.csv", LIST)
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Righe lette: 2\n" in result.output
    assert "Riga 3 (non valida) Почта: Questo non è un indirizzo email valido." in (
        result.output)


def test_the_progress_bar_counts_the_rows_in_the_teams_language(app, runner, pipeline,
                                                                tmp_path, monkeypatch):
    app.config["LANGUAGE"] = "ru"
    # Standard error as a person's terminal, where the bar shows.
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    source = write_file(tmp_path / "list.csv", LIST)
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Прочитано строк: 2 [" in result.stderr and " в секунду]" in result.stderr
    assert "rows" not in result.stderr


def test_the_rejected_rows_file_is_for_the_teams_spreadsheet(app, runner, pipeline, tmp_path):
    app.config["LANGUAGE"] = "es"
    source = write_file(tmp_path / "list.csv", LIST)
    report = tmp_path / "rechazadas.csv"
    runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                        "--dry-run", "--report", str(report)])
    lines = report.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Fila;Problema;Columna;Motivo;Имя;")
    assert lines[1].startswith("3;no válida;Почта;")


def test_a_rejected_row_without_a_column_is_said_without_a_stray_space(runner, pipeline,
                                                                       tmp_path):
    source = write_file(tmp_path / "list.csv", "Отрасль,Имя\nRetail,\n")
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                                 "--dry-run"])
    assert "Row 2 (invalid): A lead needs a title." in result.output


def test_import_with_a_corrected_column_owners_and_tags(runner, pipeline, tmp_path):
    ana, rui = UserFactory(email="ana@team.pt"), UserFactory(email="rui@team.pt")
    source = write_file(tmp_path / "list.csv", LIST.replace("petr@", "petr@lutik.ru")
                        .replace(",x,", ",,"))
    result = runner.invoke(args=["import", str(source), "--stage", str(pipeline.stages[2].id),
                                 "--map", "Отрасль=ignore", "--owner", "ana@team.pt",
                                 "--owner", str(rui.id), "--tag", "list-2026"])
    assert result.exit_code == 0, result.output
    leads = db.session.scalars(select(Lead).order_by(Lead.rank)).all()
    assert [(lead.title, lead.owner_id, lead.tags, lead.custom_fields) for lead in leads] == [
        ("ООО Ромашка", ana.id, ["list-2026"], {}), ("ООО Лютик", rui.id, ["list-2026"], {})]


def test_unreadable_file_is_a_clear_error(runner, pipeline, tmp_path):
    source = tmp_path / "photo.csv"
    source.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 50)
    result = runner.invoke(args=["import", str(source), "--stage", "New"])
    assert result.exit_code == 1
    assert "not a CSV file" in result.output


def test_bad_mapping_names_the_fields_to_use(runner, pipeline, tmp_path):
    source = write_file(tmp_path / "list.csv", LIST)
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--map", "Имя=nick"])
    assert result.exit_code == 2
    assert "use COLUMN=FIELD" in result.output


def test_a_stage_and_pipeline_are_found_by_name_in_any_alphabet_and_case(runner, app,
                                                                          tmp_path):
    pipeline = PipelineFactory(name="Продажи", stages=["Новые", "В работе"])
    source = write_file(tmp_path / "list.csv", LIST)

    result = runner.invoke(args=["import", str(source), "--stage", "в работе",
                                 "--pipeline", "ПРОДАЖИ"])

    assert result.exit_code == 0, result.output
    lead = db.session.scalars(select(Lead)).one()
    assert lead.stage_id == pipeline.stages[1].id


def test_an_unknown_stage_is_refused_in_the_teams_language(runner, app, pipeline, tmp_path):
    app.config["LANGUAGE"] = "ru"
    source = write_file(tmp_path / "list.csv", LIST)

    result = runner.invoke(args=["import", str(source), "--stage", "Нигде"])

    assert result.exit_code == 2
    assert "Этапа 'Нигде' нет (укажите id или название)." in result.output


def test_the_report_of_rejected_rows_is_readable_by_its_owner_only(runner, pipeline, tmp_path):
    source = write_file(tmp_path / "list.csv", LIST, "cp1251")
    report = tmp_path / "rejected.csv"

    runner.invoke(args=["import", str(source), "--stage", "New", "--pipeline", "Sales",
                        "--dry-run", "--report", str(report)])

    assert stat.S_IMODE(report.stat().st_mode) == PRIVATE_MODE
