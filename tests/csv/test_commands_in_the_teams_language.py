"""``kanban export``, ``kanban import`` and ``kanban csv-cleanup`` say what they refuse and
what they did in the team's language (``KANBAN_LANGUAGE``), as the import's report does."""

from __future__ import annotations

from tests.csv.conftest import write_file

LIST = "Name,Company,Email\nRui Costa,Costa Lda,rui@costa.example\n"


def test_export_names_the_formats_it_knows_in_the_teams_language(app, runner, leads,
                                                                  tmp_path):
    app.config["LANGUAGE"] = "it"
    result = runner.invoke(args=["export", str(tmp_path / "x.csv"), "--format", "pdf"])
    assert result.exit_code == 2
    assert "Usa uno di questi: excel, csv, tsv." in result.output


def test_export_asks_for_a_known_column_in_the_teams_language(app, runner, leads, tmp_path):
    app.config["LANGUAGE"] = "ru"
    result = runner.invoke(args=["export", str(tmp_path / "x.csv"), "--columns", "shoe_size"])
    assert result.exit_code == 2
    assert "Выберите хотя бы один известный столбец." in result.output


def test_export_refuses_a_role_that_may_not_export_in_the_teams_language(app, runner, leads,
                                                                         member, tmp_path):
    app.config["LANGUAGE"] = "ru"
    result = runner.invoke(args=["export", str(tmp_path / "x.csv"), "--as", member.email])
    assert result.exit_code == 1
    assert (f"У {member.email} роль member; выгрузки доступны только ролям: admin, manager "
            "(настройка EXPORT_ROLES).") in result.output


def test_import_names_the_fields_a_mapping_may_use_in_the_teams_language(app, runner,
                                                                         pipeline, tmp_path):
    app.config["LANGUAGE"] = "it"
    source = write_file(tmp_path / "list.csv", LIST)
    result = runner.invoke(args=["import", str(source), "--stage", "New", "--map", "Name=nick"])
    assert result.exit_code == 2
    assert ("'Name=nick': usa COLUMN=FIELD con una colonna del file e uno di questi campi: "
            "title,") in result.output


def test_cleanup_counts_what_it_removed_in_the_teams_language(app, runner):
    app.config["LANGUAGE"] = "ru"
    result = runner.invoke(args=["csv-cleanup"])
    assert result.exit_code == 0
    assert result.output.strip() == ("Удалено загруженных, но не импортированных файлов: 0; "
                                     "подготовленных выгрузок: 0.")
