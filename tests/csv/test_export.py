"""Exporting the board's leads: the same filters as the board, streamed, any format."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from kanban import hookimpl
from kanban.extensions import db
from kanban.models import Lead
from kanban.models.base import utcnow
from kanban.plugins import collect
from kanban.services.queries import LeadFilter, filter_leads
from kanban.ui import ExportFormat
from tests.csv.conftest import parse
from tests.factories import ActivityFactory, LeadFactory


def download(client, **args):
    args.setdefault("format", "csv")
    return client.get("/csv/export/download", query_string=args)


def exported_titles(response) -> list[str]:
    rows = parse(response.data)
    index = rows[0].index("Title")
    return [row[index] for row in rows[1:]]


def board_ids(args: dict) -> list[int]:
    """The ids of the leads the board's own filter selects for these query arguments."""
    statement = filter_leads(LeadFilter.from_args(args), select(Lead.id)).order_by(Lead.id)
    return list(db.session.scalars(statement))


def board_titles(args: dict) -> list[str]:
    """The leads the board's own filter selects for these query arguments."""
    statement = filter_leads(LeadFilter.from_args(args)).order_by(Lead.id)
    return [lead.title for lead in db.session.scalars(statement)]


@pytest.mark.parametrize("args", [
    {},
    {"tag": "fair"},
    {"status": "all"},
    {"status": "closed", "tag": "fair"},
    {"q": "padaria"},
    {"stage": "first"},
    {"owner": "member"},
    {"created_from": "2000-01-01", "created_to": "2999-12-31"},
])
def test_export_holds_exactly_the_leads_the_board_filter_selects(manager_client, leads, member,
                                                                  pipeline, args):
    args = dict(args)
    if args.get("stage") == "first":
        args["stage"] = str(pipeline.stages[0].id)
    if args.get("owner") == "member":
        args["owner"] = str(member.id)
    args["pipeline"] = str(pipeline.id)
    response = download(manager_client, columns=["id", "title"], **args)
    assert response.status_code == 200
    exported = [int(row[0]) for row in parse(response.data)[1:]]
    assert exported == board_ids(args)
    assert exported  # every case here selects some leads, but not all
    assert len(exported) < len(leads) or args.get("status") == "all"


def test_board_toolbar_offers_an_export_link_carrying_the_filters(app, pipeline, manager):
    with app.test_request_context("/board?tag=fair&q=caf"):
        items = collect("kanban_ui_board_toolbar", pipeline=pipeline, user=manager,
                        filters={"tag": "fair", "q": "caf", "owner": ""})
    assert [item.label for item in items] == ["Export"]
    url = urlsplit(items[0].url)
    assert url.path == "/csv/export"
    assert parse_qs(url.query) == {"tag": ["fair"], "q": ["caf"],
                                   "pipeline_id": [str(pipeline.id)]}


def test_export_page_carries_every_board_filter_to_the_download(manager_client, leads, member,
                                                                pipeline):
    board_args = LeadFilter(pipeline_id=pipeline.id, stage_id=pipeline.stages[0].id,
                            owner_id=member.id, tag="fair", priority=1, status="all",
                            text="São").to_args()
    page = manager_client.get("/csv/export", query_string=board_args).text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    assert LeadFilter.from_args(hidden) == LeadFilter.from_args(board_args)


def test_export_page_lists_columns_custom_fields_and_formats(manager_client, leads, pipeline):
    response = manager_client.get(f"/csv/export?pipeline={pipeline.id}&tag=fair")
    assert response.status_code == 200
    for text in ("Excel (UTF-8 with BOM", "RFC 4180", "TSV", "custom:Budget",
                 "custom:How did you hear", 'name="tag" value="fair"'):
        assert text in response.text


def test_export_writes_chosen_columns_with_stage_owner_tags_and_custom_fields(
        manager_client, leads, member):
    response = download(manager_client, q="padaria", columns=[
        "title", "stage", "owner", "tags", "value", "custom:Budget", "last_activity"])
    rows = parse(response.data)
    assert rows == [
        ["Title", "Stage", "Owner", "Tags", "Value", "Budget", "Last activity date"],
        ["Padaria São João", "New", member.name, "bakery, fair", "1500.50", "5k", ""],
    ]


def test_last_activity_date_is_the_latest_timeline_entry(manager_client, leads):
    from datetime import UTC, datetime

    ActivityFactory(lead=leads[0], created_at=datetime(2026, 2, 1, 10, tzinfo=UTC))
    ActivityFactory(lead=leads[0], created_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC))
    response = download(manager_client, q="padaria", columns=["title", "last_activity"])
    assert parse(response.data)[1] == ["Padaria São João", "2026-03-05"]


def test_last_activity_date_is_the_teams_day(app, manager_client, leads):
    from datetime import UTC, datetime

    app.config["TIMEZONE"] = "Europe/Moscow"  # 23:30 UTC is 02:30 the next day there
    ActivityFactory(lead=leads[0], created_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC))
    response = download(manager_client, q="padaria", columns=["title", "last_activity"])
    assert parse(response.data)[1] == ["Padaria São João", "2026-03-06"]


def test_formula_cells_are_neutralised_in_the_download(manager_client, leads):
    response = download(manager_client, q="evil", columns=["title", "company", "contact_name",
                                                          "description"])
    assert parse(response.data)[1] == [
        "'=HYPERLINK(\"http://evil.example\")", "'@SUM(1+1)", "'-2+3",
        "Line one\nLine \"two\", with comma",
    ]


def test_excel_download_in_portuguese_has_bom_semicolons_and_decimal_commas(manager_client, leads):
    response = download(manager_client, format="excel", locale="pt", q="padaria",
                        columns=["title", "value"])
    assert response.data.startswith("\ufeff".encode())
    assert response.data.decode("utf-8-sig") == "Title;Value\r\nPadaria São João;1500,50\r\n"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_dates_are_iso_8601(manager_client, leads):
    response = download(manager_client, q="padaria", columns=["created_at"])
    created = parse(response.data)[1][0]
    assert created == leads[0].created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_write_moments_in_iso_8601_utc_whatever_the_teams_zone(
    app, manager_client, pipeline, fmt, delimiter
):
    app.config["TIMEZONE"] = "Europe/Moscow"
    LeadFactory(title="Late", stage=pipeline.stages[0],
                created_at=datetime(2026, 12, 7, 11, 51, 39, tzinfo=UTC))
    response = download(manager_client, format=fmt, columns=["title", "created_at"])
    assert parse(response.data, delimiter)[1] == ["Late", "2026-12-07T11:51:39Z"]


@pytest.mark.parametrize(("zone", "created"), [
    ("Europe/Moscow", "2026-12-07 14:51"), ("Europe/Lisbon", "2026-12-07 11:51"),
])
def test_the_excel_preset_writes_moments_on_the_teams_clock_to_the_minute(
    app, manager_client, pipeline, zone, created
):
    app.config["TIMEZONE"] = zone
    LeadFactory(title="Late", stage=pipeline.stages[0],
                created_at=datetime(2026, 12, 7, 11, 51, 39, tzinfo=UTC),
                closed_at=None)
    response = download(manager_client, format="excel", locale="ru",
                        columns=["title", "created_at", "closed_at"])
    assert parse(response.data, ";")[1] == ["Late", created, ""]


def test_the_excel_preset_writes_a_moment_on_the_day_the_team_sees_it(
    app, manager_client, pipeline
):
    app.config["TIMEZONE"] = "Europe/Moscow"  # 23:30 UTC is 02:30 the next day there
    LeadFactory(title="Night", stage=pipeline.stages[0],
                created_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC))
    response = download(manager_client, format="excel", locale="pt",
                        columns=["title", "created_at"])
    assert parse(response.data, ";")[1] == ["Night", "2026-03-06 02:30"]


def test_the_excel_preset_writes_days_as_iso_days(manager_client, pipeline):
    LeadFactory(title="Call", stage=pipeline.stages[0], next_action_date=date(2026, 12, 7))
    response = download(manager_client, format="excel", locale="pt",
                        columns=["title", "next_action_date"])
    assert parse(response.data, ";")[1] == ["Call", "2026-12-07"]


def test_the_excel_command_writes_moments_on_the_teams_clock(app, runner, pipeline, tmp_path):
    app.config["TIMEZONE"] = "Europe/Moscow"
    LeadFactory(title="Late", stage=pipeline.stages[0],
                created_at=datetime(2026, 12, 7, 11, 51, 39, tzinfo=UTC))
    out = tmp_path / "leads.csv"
    result = runner.invoke(args=["export", str(out), "--format", "excel", "--locale", "ru",
                                 "--columns", "title,created_at"])
    assert result.exit_code == 0, result.output
    assert parse(out.read_bytes(), ";")[1] == ["Late", "2026-12-07 14:51"]


def test_unknown_format_is_404(manager_client, leads):
    assert download(manager_client, format="docx").status_code == 404


def test_bad_filter_is_a_clear_422(manager_client, leads):
    response = download(manager_client, created_from="yesterday")
    assert response.status_code == 422
    assert "filters are not valid" in response.text


def test_export_needs_a_login(client, leads):
    assert download(client).status_code == 302


class ToyFormat:
    """Another plugin's format: one line per lead, cells joined by " | "."""

    @hookimpl
    def kanban_register_export_formats(self):
        def render(header, rows, options):
            yield " | ".join(header) + "\n"
            for row in rows:
                yield " | ".join("" if v is None else str(v) for v in row) + "\n"

        return [ExportFormat("toy", "Toy", "txt", "text/plain", render)]


def test_another_plugin_adds_a_format_to_the_page_and_the_download(manager_client, leads,
                                                                  register_plugin):
    register_plugin(ToyFormat())
    assert 'value="toy"' in manager_client.get("/csv/export").text
    response = download(manager_client, format="toy", q="padaria", columns=["title", "value"])
    assert response.mimetype == "text/plain"
    assert response.text == "Title | Value\nPadaria São João | 1500.50\n"


def test_another_plugin_format_works_from_the_command_line(runner, leads, register_plugin,
                                                           tmp_path):
    register_plugin(ToyFormat())
    out = tmp_path / "leads.txt"
    result = runner.invoke(args=["export", str(out), "--format", "toy", "--q", "padaria",
                                 "--columns", "title"])
    assert result.exit_code == 0, result.output
    assert out.read_text() == "Title\nPadaria São João\n"


def test_command_exports_with_the_boards_filters(runner, leads, pipeline, tmp_path):
    out = tmp_path / "leads.csv"
    result = runner.invoke(args=["export", str(out), "--format", "csv", "--tag", "fair",
                                 "--status", "all", "--pipeline", "Sales",
                                 "--stage", "New"])
    assert result.exit_code == 0, result.output
    titles = exported_titles_from(out.read_bytes())
    assert titles == board_titles({"tag": "fair", "status": "all",
                                   "pipeline": str(pipeline.id),
                                   "stage": str(pipeline.stages[0].id)})
    assert titles == ["Padaria São João", "Компания Ромашка", "Lost deal"]


def test_command_writes_numbers_as_the_teams_language_does_by_default(app, runner, leads,
                                                                       tmp_path):
    app.config["LANGUAGE"] = "es"
    out = tmp_path / "leads.csv"
    result = runner.invoke(args=["export", str(out), "--columns", "title,value"])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == "Título;Valor"
    assert "1500,50" in text


def test_command_names_a_bad_filter_by_its_option(runner, leads, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "x.csv"), "--status", "bogus",
                                 "--created-from", "soon"])
    assert result.exit_code == 2
    assert ("--status: Use open, won, lost, cancelled, closed or all.; "
            "--created-from: Use a date such as 2026-03-31.") in result.output
    assert "{" not in result.output


def exported_titles_from(body: bytes) -> list[str]:
    rows = parse(body)
    return [row[rows[0].index("Title")] for row in rows[1:]]


def test_command_refuses_an_unknown_stage_with_a_clear_message(runner, leads, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "x.csv"), "--stage", "Nowhere"])
    assert result.exit_code != 0
    assert "There is no stage 'Nowhere'" in result.output


def test_command_shows_no_progress_bar_when_not_on_a_terminal(runner, leads, tmp_path):
    result = runner.invoke(args=["export", str(tmp_path / "x.csv")])
    assert result.exit_code == 0
    assert "it/s" not in result.output and "leads/s" not in result.output


def test_exported_leads_match_database_count(manager_client, leads):
    response = download(manager_client, status="all")
    total = len(db.session.scalars(select(Lead)).all())
    assert len(parse(response.data)) - 1 == total


def test_custom_fields_keep_numbers_as_numbers_and_neutralise_text(manager_client, pipeline):
    from tests.factories import LeadFactory

    LeadFactory(title="Scored", stage=pipeline.stages[0],
                custom_fields={"Score": -5, "Ratio": 2.5, "Note": "=cmd|' /C calc'!A0",
                               'Odd "key"': "x"})
    response = download(manager_client, columns=["title", "custom:Score", "custom:Ratio",
                                                "custom:Note", 'custom:Odd "key"',
                                                "custom:Missing"])
    assert parse(response.data)[1] == ["Scored", "-5", "2.5", "'=cmd|' /C calc'!A0", "x", ""]


def test_export_page_offers_every_lead_instead_of_the_filtered_ones(manager_client, leads,
                                                                  pipeline):
    page = manager_client.get(f"/csv/export?pipeline_id={pipeline.id}&tag=fair").text
    link = re.search(r'<a href="([^"]+)">Export every lead instead', page)[1]
    everything = manager_client.get(link.replace("&amp;", "&")).text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                             everything))
    hidden.pop("csrf_token", None)  # the logout form's
    hidden.pop("once_token", None)  # the logout form's, and this form's own
    assert hidden == {"status": "all"}
    response = download(manager_client, columns=["id"], **hidden)
    assert len(parse(response.data)) - 1 == len(leads)


def test_export_page_names_the_filters_in_words(manager_client, leads, pipeline, member):
    page = manager_client.get("/csv/export", query_string={
        "pipeline_id": pipeline.id, "stage_id": pipeline.stages[1].id, "owner_id": member.id,
        "tag": "fair"}).text
    for badge in ("Pipeline: Sales", "Stage: Contacted", f"Owner: {member.name}", "Tag: fair"):
        assert f'<span class="badge">{badge}</span>' in page


def test_export_page_says_the_filters_in_the_readers_language(app, leads, pipeline):
    from tests.conftest import log_in
    from tests.factories import UserFactory

    russian = log_in(app.test_client(), UserFactory(locale="ru", role="manager"))
    page = russian.get("/csv/export", query_string={
        "pipeline_id": pipeline.id, "owner_id": "none", "status": "all", "attention": "overdue",
        "priority": "prospects", "starred": "1", "created_from": "2026-03-01"}).text
    badges = re.findall(r'<span class="badge">([^<]*)</span>', page)
    assert badges == ["Воронка: Sales", "Ответственный: Никто",
                      "Приоритет: Все потенциальные клиенты", "Только со звёздочкой: Да",
                      "Требует внимания: Просроченные", "Статус: Все",
                      "Создан с: 1 мар. 2026\u202fг."]


def test_statuses_and_sources_are_written_in_the_readers_words(app, leads):
    from tests.conftest import log_in
    from tests.factories import UserFactory

    portuguese = log_in(app.test_client(), UserFactory(locale="pt", role="manager"))
    response = download(portuguese, format="excel", locale="pt", status="all",
                        columns=["title", "status", "source", "next_action_kind"])
    rows = [line.split(";") for line in response.data.decode("utf-8-sig").splitlines()]
    assert rows[0] == ["Título", "Estado", "Origem", "Tipo da próxima ação"]
    words = {cell for row in rows[1:] for cell in row[1:]}
    assert {"open", "won", "lost", "manual", "todo", "standby"}.isdisjoint(words)
    assert "Aberto" in words


@pytest.mark.parametrize(("locale", "delimiter", "decimal"), [
    ("en", ",", "."), ("pt", ";", ","), ("it", ";", ","), ("es", ";", ","), ("ru", ";", ","),
])
def test_the_excel_preset_of_each_language_reads_back_with_its_separator_and_decimal(
    manager_client, leads, locale, delimiter, decimal
):
    import csv
    import io

    response = download(manager_client, format="excel", locale=locale, q="padaria",
                        columns=["title", "value"])
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[1] == ["Padaria São João", f"1500{decimal}50"]


@pytest.mark.parametrize("fmt", ["csv", "excel", "tsv"])
def test_a_download_names_its_charset_once(member_client, pipeline, fmt):
    LeadFactory(stage=pipeline.stages[0])
    content_type = download(member_client, format=fmt).headers["Content-Type"]
    assert content_type.count("charset") == 1


def test_a_lost_reason_is_written_in_the_readers_words(manager_client, pipeline):
    LeadFactory(title="Lost one", stage=pipeline.stages[0], status="lost",
                lost_reason="Price: too dear", closed_at=utcnow())

    english = parse(download(manager_client, status="lost",
                             columns=["title", "lost_reason"]).data)
    italian = parse(manager_client.get(
        "/csv/export/download", headers={"Accept-Language": "it"},
        query_string={"format": "csv", "status": "lost",
                      "columns": ["title", "lost_reason"]}).data)

    assert english[1] == ["Lost one", "Price: too dear"]
    assert italian[1] == ["Lost one", "Prezzo: too dear"]


def test_a_closed_lead_has_no_next_action_in_the_export(manager_client, pipeline):
    LeadFactory(title="Open", stage=pipeline.stages[0], next_action_text="Call")
    LeadFactory(title="Won", stage=pipeline.stages[0], status="won", closed_at=utcnow(),
                next_action_text="Call")
    columns = ["title", "next_action_kind", "next_action_date", "next_action_text"]

    rows = parse(download(manager_client, status="all", columns=columns).data)

    assert rows[1][0] == "Open" and rows[1][1:] != ["", "", ""]
    assert rows[2] == ["Won", "", "", ""]
