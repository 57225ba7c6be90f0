"""Importing prospect lists: checked row by row, deduplicated, written batch by batch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from kanban_csv import importer
from kanban_csv.importer import ImportSettings, run_import
from kanban_csv.mapping import guess_mapping
from sqlalchemy import func, select, text

from kanban import hookimpl
from kanban.amounts import plain_amount
from kanban.extensions import db
from kanban.models import Activity, Client, Lead
from kanban.tables.reading import open_table
from tests.csv.conftest import write_file
from tests.factories import ClientFactory, LeadFactory, UserFactory

PROSPECTS = (
    "Nome;Empresa;Telefone;E-mail;Valor;Origem\n"
    "João Gonçalves;Padaria Ação;912 345 678;joao@padaria.pt;1.500,50;Feira\n"
    "Ana Costa;Café Central;;ana@central.pt;200;Feira\n"
    "Rui;;;not-an-email;abc;\n"
    "Maria;Loja Maria;+351 912 345 678;;;\n"
    "Ana C.;Café Central 2;;ANA@central.pt;;\n"
    ";;;;;\n"
    "Иван Петров;ООО Ромашка;+7 495 123 45 67;ivan@romashka.ru;2000;\n"
)


def table_of(tmp_path, content: str, encoding: str = "utf-8", name: str = "prospects.csv"):
    return open_table(write_file(tmp_path / name, content, encoding))


def settings_for(table, stage, **kwargs) -> ImportSettings:
    return ImportSettings(mapping=guess_mapping(table.header), stage=stage, **kwargs)


def lead_count() -> int:
    return db.session.scalar(select(func.count(Lead.id)))


def test_dry_run_reports_created_duplicates_and_invalid_rows_and_writes_nothing(
        tmp_path, pipeline):
    table = table_of(tmp_path, PROSPECTS)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert (report.rows, report.created, report.duplicates, report.invalid) == (6, 3, 2, 1)
    assert lead_count() == 0
    reasons = {(r.row, r.problem, r.column): r.reason for r in report.rejected}
    assert reasons == {
        (4, "invalid", "E-mail"): "This is not a valid email address.",
        (4, "invalid", "Valor"): "Must be a number, such as 1500 or 1500.50.",
        (5, "duplicate", "Telefone"): "Same phone number as row 2 of this file.",
        (6, "duplicate", "E-mail"): "Same email as row 3 of this file.",
    }


def test_real_run_creates_the_good_rows_with_their_fields(tmp_path, pipeline, member):
    table = table_of(tmp_path, PROSPECTS)
    settings = settings_for(table, pipeline.stages[1], owner_ids=[member.id], tags=["Fair 2026"])
    report = run_import(table, settings, user=member, dry_run=False)
    assert (report.created, report.duplicates, report.invalid) == (3, 2, 1)
    leads = db.session.scalars(select(Lead).order_by(Lead.rank)).all()
    assert [lead.title for lead in leads] == ["Padaria Ação", "Café Central", "ООО Ромашка"]
    first = leads[0]
    assert (first.contact_name, first.email, first.phone, first.value, first.source) == (
        "João Gonçalves", "joao@padaria.pt", "912 345 678", Decimal("1500.50"), "Feira")
    assert leads[2].source == "import"
    assert all(lead.stage_id == pipeline.stages[1].id for lead in leads)
    assert all(lead.owner_id == member.id for lead in leads)
    assert all(lead.tags == ["fair 2026"] for lead in leads)
    assert db.session.scalar(select(func.count(Activity.id))) == 3


@pytest.mark.parametrize(("language", "written", "meant"), [
    ("ru", "05.12.2026", date(2026, 12, 5)), ("es", "5/12/2026", date(2026, 12, 5)),
    ("pt", "05-12-26", date(2026, 12, 5)), ("it", "2026-12-05", date(2026, 12, 5)),
    ("en", "12/5/2026", date(2026, 12, 5)), ("ru", "2026-12-05 00:00:00", date(2026, 12, 5)),
])
def test_a_date_is_read_as_the_importing_persons_spreadsheet_writes_it(
    tmp_path, pipeline, language, written, meant
):
    table = table_of(tmp_path, f"Company;Next action;Next action date\nAcme;Call;{written}\n")
    settings = ImportSettings(mapping=["title", "next_action_text", "next_action_date"],
                              stage=pipeline.stages[0])
    person = UserFactory(locale=language, role="member")
    report = run_import(table, settings, user=person, dry_run=False)
    assert (report.created, report.invalid) == (1, 0)
    assert db.session.scalars(select(Lead)).one().next_action_date == meant


@pytest.mark.parametrize(("language", "written", "meant"), [
    ("es", "12.000", Decimal("12000")), ("ru", "12.000", Decimal("12000")),
    ("pt", "1.500,50", Decimal("1500.50")), ("it", "1.500", Decimal("1500")),
    ("en", "12.000", Decimal("12")), ("en", "12,000", Decimal("12000")),
])
def test_an_amount_in_a_comma_separated_file_is_read_as_the_importing_person_writes_it(
    tmp_path, pipeline, language, written, meant
):
    table = table_of(tmp_path, f'Company,Value\nAcme,"{written}"\n')
    settings = ImportSettings(mapping=["title", "value"], stage=pipeline.stages[0])
    report = run_import(table, settings, user=UserFactory(locale=language), dry_run=False)
    assert (report.created, report.invalid) == (1, 0)
    assert db.session.scalars(select(Lead)).one().value == meant


def test_an_amount_imported_by_nobody_in_particular_is_read_in_the_teams_language(
        app, tmp_path, pipeline):
    app.config["LANGUAGE"] = "es"  # the command line, with the team in Spanish
    table = table_of(tmp_path, "Company,Value\nAcme,12.000\n")
    settings = ImportSettings(mapping=["title", "value"], stage=pipeline.stages[0])
    run_import(table, settings, user=None, dry_run=False)
    assert db.session.scalars(select(Lead)).one().value == Decimal("12000")


@pytest.mark.parametrize("written", ["31.02.2026", "5/12", "soon", "05.12.202"])
def test_a_date_that_is_no_day_names_its_column(tmp_path, pipeline, written):
    table = table_of(tmp_path, f"Company;Next action date\nAcme;{written}\n")
    settings = ImportSettings(mapping=["title", "next_action_date"], stage=pipeline.stages[0])
    report = run_import(table, settings, user=UserFactory(locale="ru"), dry_run=True)
    assert [(r.column, r.reason) for r in report.rejected] == [
        ("Next action date", "Use a date such as 31.03.2026.")]


@pytest.mark.parametrize(("language", "example"), [
    ("ru", "31.03.2026"), ("es", "31/03/2026"), ("en", "03/31/2026")])
def test_a_date_refused_is_shown_as_the_importing_persons_spreadsheet_writes_one(
        tmp_path, pipeline, language, example):
    table = table_of(tmp_path, "Company;Next action date\nAcme;5 декабря 2026\n")
    settings = ImportSettings(mapping=["title", "next_action_date"], stage=pipeline.stages[0])
    report = run_import(table, settings, user=UserFactory(locale=language), dry_run=True)
    assert [r.reason for r in report.rejected] == [f"Use a date such as {example}."]


def test_rerunning_the_same_file_creates_nothing_more(tmp_path, pipeline):
    table = table_of(tmp_path, PROSPECTS)
    run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    again = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    assert (again.created, again.duplicates, again.invalid) == (0, 5, 1)
    assert lead_count() == 3
    assert {r.reason for r in again.rejected if r.row == 2} == {"Same email as lead #1."}


def test_rows_matching_an_existing_leads_email_or_phone_are_duplicates(tmp_path, pipeline):
    LeadFactory(email="ana@central.pt", phone="", stage=pipeline.stages[2])
    LeadFactory(email="other@x.pt", phone="(+7) 495-123-45-67", stage=pipeline.stages[2])
    table = table_of(tmp_path, PROSPECTS)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    duplicates = {r.row: r.reason for r in report.rejected if r.problem == "duplicate"}
    assert duplicates[3].startswith("Same email as lead #")
    assert duplicates[8].startswith("Same phone number as lead #")


class FuzzyDuplicates:
    """Another plugin's rule: a company already on the board is a duplicate."""

    @hookimpl
    def kanban_lead_find_duplicate(self, email, phone, since, open_only):
        return db.session.scalars(select(Lead).where(Lead.email.like("%@romashka.ru"))).first()


def test_other_plugins_duplicate_rules_are_asked_too(tmp_path, pipeline, register_plugin):
    register_plugin(FuzzyDuplicates())
    LeadFactory(email="boss@romashka.ru", stage=pipeline.stages[0])
    table = table_of(tmp_path, PROSPECTS)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert report.created == 0  # the toy rule calls every row a duplicate


def test_owners_are_shared_in_turn(tmp_path, pipeline):
    ana, rui = UserFactory(name="Ana"), UserFactory(name="Rui")
    content = "Company,Email\n" + "".join(f"Shop {i},s{i}@x.pt\n" for i in range(5))
    table = table_of(tmp_path, content)
    settings = settings_for(table, pipeline.stages[0], owner_ids=[ana.id, rui.id])
    run_import(table, settings, user=None, dry_run=False)
    owners = db.session.scalars(select(Lead.owner_id).order_by(Lead.rank)).all()
    assert owners == [ana.id, rui.id, ana.id, rui.id, ana.id]


def test_owner_column_names_a_user_by_email_or_name(tmp_path, pipeline):
    ana = UserFactory(name="Ana Sousa", email="ana@team.pt")
    content = "Company,Owner\nA,ana@team.pt\nB,Ana Sousa\nC,Nobody Here\n"
    table = table_of(tmp_path, content)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    assert db.session.scalars(select(Lead.owner_id)).all() == [ana.id, ana.id]
    assert [(r.row, r.column, r.reason) for r in report.rejected] == [
        (4, "Owner", "No active user has this email or name.")]


def test_ragged_rows_are_padded_or_rejected_with_the_reason(tmp_path, pipeline):
    content = "Company,Email,Phone\nShort row,a@x.pt\nLong row,b@x.pt,1,extra,cells\nOk,c@x.pt,\n"
    table = table_of(tmp_path, content)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert report.created == 2
    assert [(r.row, r.reason) for r in report.rejected] == [
        (3, "This row has 5 cells but the header has 3: a separator or a quote may be missing.")]


def test_rows_without_any_name_are_invalid_with_the_reason(tmp_path, pipeline):
    table = table_of(tmp_path, "Company,Notes\n,just a note\nAcme,\n")
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert report.created == 1
    assert [(r.row, r.column, r.reason) for r in report.rejected] == [
        (2, "Company", "A lead needs a title.")]


def test_unmapped_columns_are_kept_as_custom_fields(tmp_path, pipeline):
    table = table_of(tmp_path, "Company,How did you hear,Segment,Stage\nAcme,Fair,,Won\n")
    run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    lead = db.session.scalars(select(Lead)).one()
    assert lead.custom_fields == {"How did you hear": "Fair"}


def test_a_value_that_is_not_a_number_is_named(tmp_path, pipeline):
    table = table_of(tmp_path, "Company,Budget\nAcme,5k\n")
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert [(r.column, r.reason) for r in report.rejected] == [
        ("Budget", "Must be a number, such as 1500 or 1500.50.")]


def test_a_cell_of_two_phones_is_a_duplicate_of_the_lead_with_the_first(tmp_path, pipeline):
    lead = LeadFactory(email="", phone="02 1234567", stage=pipeline.stages[0])
    table = table_of(tmp_path, "Company;Phone\nAcme;+39 02 1234567 / 333 1234567\n")
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert [(r.column, r.reason) for r in report.rejected] == [
        ("Phone", f"Same phone number as lead #{lead.id}.")]


def test_a_phone_without_digits_is_named(tmp_path, pipeline):
    table = table_of(tmp_path, "Company,Phone\nAcme,abc\nBeta,+39 02 1234567 / 333 1234567\n")
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)
    assert report.created == 1
    assert [(r.row, r.column, r.reason) for r in report.rejected] == [
        (2, "Phone", "A phone number needs digits.")]


@pytest.mark.parametrize("raw, decimal_comma, expected", [
    ("1.500,50", True, "1500.50"), ("1,500.50", False, "1500.50"), ("1500,5", False, "1500.5"),
    ("€ 1 500", False, "1500"), ("1,500", False, "1500"), ("1,500", True, "1.500"),
    ("R$ 2.000", True, "2000"), ("2.5", False, "2.5"), ("abc", False, "abc"),
    ("5k", False, "5k"), ("EUR 300", False, "300"), ("300 руб.", True, "300"),
    ("about 300", False, "about 300"), ("1'000", False, "1000"),
    ("1.234.567,89", True, "1234567.89"), ("300 brl", False, "300"),
])
def test_amounts_are_read_as_people_write_them(raw, decimal_comma, expected):
    assert plain_amount(raw, decimal_comma) == expected


@pytest.mark.parametrize("raw", ["12 mil", "2 mln", "3 bln", "1.2.3", "12,34,5", "1.500,5,0"])
def test_an_amount_with_a_word_or_grouping_it_cannot_read_is_refused_not_misread(raw):
    assert plain_amount(raw, decimal_comma=True) == raw
    assert plain_amount(raw, decimal_comma=False) == raw


@pytest.fixture
def refuse_title_boom(app):
    """A real database trigger that refuses one lead, to fail a batch halfway."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON leads WHEN NEW.title = 'Boom' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    else:
        db.session.execute(text(
            "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN "
            "IF NEW.title = 'Boom' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END "
            "$$ LANGUAGE plpgsql"))
        db.session.execute(text(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON leads FOR EACH ROW "
            "EXECUTE FUNCTION refuse_boom()"))
    db.session.commit()
    yield
    if db.engine.dialect.name != "sqlite":
        db.session.rollback()
        db.session.execute(text("DROP TRIGGER refuse_boom ON leads"))
        db.session.execute(text("DROP FUNCTION refuse_boom()"))
        db.session.commit()


def test_a_failing_batch_is_saved_not_at_all_and_the_earlier_ones_stay(
        tmp_path, pipeline, refuse_title_boom, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    titles = ["A1", "A2", "A3", "B1", "Boom", "B3", "C1"]
    content = "Title,Email\n" + "".join(f"{t},{t.lower()}@x.pt\n" for t in titles)
    table = table_of(tmp_path, content)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    assert db.session.scalars(select(Lead.title).order_by(Lead.rank)).all() == ["A1", "A2", "A3"]
    assert report.created == 3
    assert report.failure.startswith("Rows 5 to 7 were not imported (nothing of them was saved)")


def test_leads_are_announced_to_plugins_after_their_batch_is_saved(tmp_path, pipeline,
                                                                   register_plugin):
    seen = []

    class Listener:
        @hookimpl
        def kanban_lead_created(self, lead, source, user):
            seen.append((lead.title, source, db.session.get(Lead, lead.id) is not None))

    register_plugin(Listener())
    table = table_of(tmp_path, "Company\nAcme\nBeta\n", name="fair.csv")
    settings = settings_for(table, pipeline.stages[0], source="import: fair.csv")
    run_import(table, settings, user=None, dry_run=False)
    assert seen == [("Acme", "import: fair.csv", True), ("Beta", "import: fair.csv", True)]


def test_first_and_last_name_columns_join_into_the_contact_name(tmp_path, pipeline):
    table = table_of(tmp_path, "Empresa,Nome,Apelido\nPadaria,João,Gonçalves\n")
    run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    assert db.session.scalar(select(Lead.contact_name)) == "João Gonçalves"


def test_a_name_column_mapped_as_the_contact_is_joined_to_a_last_name_column(
        tmp_path, pipeline):
    table = table_of(tmp_path, "Company,Name,Surname\nAcme,Ann,Lee\nBeta,Bo Chen,Chen\n")
    settings = ImportSettings(mapping=["company", "contact_name", "last_name"],
                              stage=pipeline.stages[0])
    run_import(table, settings, user=None, dry_run=False)
    names = db.session.scalars(select(Lead.contact_name).order_by(Lead.rank)).all()
    assert names == ["Ann Lee", "Bo Chen"]  # a full name already ending so is kept


def test_imported_leads_go_below_the_cards_already_in_the_stage(tmp_path, pipeline):
    LeadFactory(title="Already here", stage=pipeline.stages[0])
    table = table_of(tmp_path, "Company\nAcme\nBeta\n")
    run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)
    titles = db.session.scalars(select(Lead.title).order_by(Lead.rank)).all()
    assert titles == ["Already here", "Acme", "Beta"]


def test_a_file_that_breaks_off_halfway_imports_every_row_before_and_says_why(
        tmp_path, pipeline, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 100)
    good = "".join(f"Shop {i},s{i}@x.pt\n" for i in range(6050)).encode()  # past the sample
    path = tmp_path / "broken.csv"
    broken = "Café Olé,ole@x.es\nLast,l@x.es\n".encode("cp1252")
    path.write_bytes(b"Company,Email\n" + good + broken)
    table = open_table(path)
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None,
                        dry_run=False)
    assert report.failure.startswith(
        "Line 6052, character 4 of the file (as a text editor counts them, not spreadsheet "
        "rows) holds a byte (0xE9) that is not UTF-8.")
    assert (report.rows, report.created, lead_count()) == (6050, 6050, 6050)


def test_imported_lists_are_a_known_lead_source(app):
    from kanban.services.sources import lead_sources

    assert "import" in [source.key for source in lead_sources()]


FOLDERS = (
    "Company,Email,Client folder\n"
    "Padaria Ação,a@padaria.pt,PADARIA AÇÃO\n"
    "Café Novo,b@novo.pt,Grupo Novo\n"
    "Café Novo 2,c@novo.pt,grupo novo\n"
    "Loja,d@loja.pt,\n"
)


def test_a_client_folder_column_files_leads_in_folders_found_by_name_or_made(
        tmp_path, pipeline):
    padaria = ClientFactory(name="Padaria Ação")
    table = table_of(tmp_path, FOLDERS)

    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)

    folders = {lead.title: lead.client for lead in db.session.scalars(select(Lead))}
    assert folders["Padaria Ação"] == padaria
    assert folders["Café Novo"].name == "Grupo Novo"
    assert folders["Café Novo 2"] == folders["Café Novo"]
    assert folders["Loja"] is None
    assert (report.created, len(report.new_folders)) == (4, 1)


def test_a_check_counts_the_client_folders_it_would_make_and_makes_none(tmp_path, pipeline):
    table = table_of(tmp_path, FOLDERS)

    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=True)

    assert report.counts()["folders"] == 2
    assert db.session.scalar(select(func.count(Client.id))) == 0


def test_a_client_folder_name_too_long_rejects_the_row_naming_the_column(tmp_path, pipeline):
    table = table_of(tmp_path, f"Company,Client folder\nAcme,{'x' * 201}\nBeta,Beta Group\n")

    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)

    assert [(r.row, r.column, r.reason) for r in report.rejected] == [
        (2, "Client folder", "Too long: at most 200 characters.")]
    assert [lead.title for lead in db.session.scalars(select(Lead))] == ["Beta"]


def test_imported_leads_and_their_new_folders_are_found_whatever_the_accents(tmp_path, pipeline):
    table = table_of(tmp_path, "Nome;Empresa;E-mail;Pasta do cliente\n"
                               "Пётр Волгин;ÑANDÚ Café;petr@volga.example;Ñandú Group\n")
    run_import(table, settings_for(table, pipeline.stages[0]), user=None, dry_run=False)

    lead = db.session.scalars(select(Lead)).one()
    assert lead.search_text == "nandu cafe\nnandu cafe\nпетр волгин\npetr@volga.example\n"
    assert db.session.scalars(select(Client.search_text)).all() == ["nandu group"]


def test_control_characters_in_cells_and_header_are_dropped_and_the_row_imported(
    tmp_path, pipeline
):
    table = table_of(tmp_path, "No\x07me;Empresa;E-mail\n"
                               "Jo\x00ão\x1b;Pada\x7fria\tAção;joao@padaria.pt\n")
    assert table.header == ["Nome", "Empresa", "E-mail"]
    report = run_import(table, settings_for(table, pipeline.stages[0]), user=None,
                        dry_run=False)
    assert (report.created, report.invalid) == (1, 0)
    lead = db.session.scalars(select(Lead)).one()
    assert (lead.contact_name, lead.company) == ("João", "Padaria\tAção")
