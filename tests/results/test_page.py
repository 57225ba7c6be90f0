"""The results page: what it shows, to whom, and how it refuses bad choices."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kanban import hookimpl
from kanban.extensions import db
from kanban.ui import Bar, Chart
from tests.factories import PipelineFactory
from tests.results.conftest import at, lead

NOVEMBER = "/results?period=custom&from=2026-11-01&to=2026-11-30"


def figure(html: str, chart_id: str) -> str:
    """Return the <figure> that holds the chart with this id."""
    found = re.search(rf'<figure[^>]*aria-labelledby="{chart_id}-caption".*?</figure>', html,
                      re.S)
    assert found, f"no figure {chart_id}"
    return found.group(0)


def table_rows(html: str) -> list[list[str]]:
    """Return the body rows of the first table, as the text of their cells."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                  row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_page_answers_how_much_was_sold_in_the_period(member_client, month):
    response = member_client.get(NOVEMBER)

    assert response.status_code == 200
    headline = re.search(r'<section class="result-block headline[^"]*".*?</section>', response.text,
                         re.S).group(0)
    assert "€4,000.00" in headline
    assert "4 leads won" in headline
    assert "$300.00 in other currencies" in headline
    assert "Best source: web form: Contact." in headline


def test_page_shows_won_value_week_by_week(member_client, month):
    html = figure(member_client.get(NOVEMBER).text, "chart-won")

    assert table_rows(html) == [
        ["Nov 1", "€1,000.00"], ["Nov 2", "€2,500.00"], ["Nov 9", "€0.00"],
        ["Nov 16", "€0.00"], ["Nov 23", "€0.00"], ["Nov 30", "€500.00"],
    ]
    assert html.count("<rect") == 3  # the empty weeks have no column


def test_page_ranks_sources_by_won_value(member_client, month):
    html = figure(member_client.get(NOVEMBER).text, "chart-sources")

    assert table_rows(html) == [
        ["web form: Contact", "€3,500.00", "2", "1", "66.7%", "6.5"],
        ["email", "€500.00 + $300.00", "2", "2", "50.0%", "14.0"],
        ["Entered by hand", "€0.00", "0", "2", "0.0%", "—"],
    ]


def test_page_shows_each_persons_win_rate(member_client, month):
    html = figure(member_client.get(NOVEMBER).text, "chart-people")

    assert table_rows(html) == [
        ["Ana", "€3,500.00", "2", "2", "50.0%", "6.5"],
        ["Bruno", "€500.00 + $300.00", "2", "1", "66.7%", "14.0"],
        ["Nobody", "€0.00", "0", "2", "0.0%", "—"],
    ]


def test_page_shows_proposals_and_their_success_rate(member_client, month):
    text = member_client.get(NOVEMBER).text

    assert re.search(r"<dt>Proposals made</dt><dd>4</dd>", text)
    assert re.search(r"<dt>Success rate of proposals</dt><dd>33.3%</dd>", text)
    assert table_rows(figure(text, "chart-proposals")) == [
        ["Won", "1"], ["Lost", "1"], ["Cancelled", "1"], ["Still open", "1"]
    ]


@pytest.mark.parametrize(("locale", "rate"), [("ru", "33,3\u00a0%"), ("es", "33,3\u00a0%"),
                                              ("pt", "33,3%")])
def test_shares_are_spaced_as_the_readers_language_spaces_them(member_client, month, member,
                                                               locale, rate):
    member.locale = locale
    db.session.commit()
    text = member_client.get(NOVEMBER).text

    assert re.search(rf"<dd>{rate}</dd>", text)


def test_page_shows_open_pipeline_by_stage(member_client, month):
    html = figure(member_client.get(NOVEMBER).text, "chart-pipeline")

    assert table_rows(html) == [
        ["New", "2", "€1,000.00 + $200.00"], ["Contacted", "0", "€0.00"],
        ["Proposal", "1", "€3,000.00"], ["Negotiation", "1", "€0.00"],
    ]


def test_stages_are_named_with_their_pipeline_when_there_are_several(member_client, month):
    PipelineFactory(name="Renewals", stages=["Due"])

    html = figure(member_client.get(NOVEMBER).text, "chart-pipeline")

    assert [row[0] for row in table_rows(html)] == [
        "Sales › New", "Sales › Contacted", "Sales › Proposal", "Sales › Negotiation",
        "Renewals › Due",
    ]


def test_page_shows_lost_leads_by_reason(member_client, month):
    html = figure(member_client.get(NOVEMBER).text, "chart-lost")

    assert table_rows(html) == [["Price", "2"], ["Other", "2"], ["Chose a competitor", "1"]]


def test_page_names_configured_lost_reasons_in_the_readers_language(member_client, month,
                                                                    member):
    member.locale = "pt"
    db.session.commit()
    html = figure(member_client.get(NOVEMBER).text, "chart-lost")

    assert table_rows(html)[0] == ["Preço", "2"]


def test_owner_filter_narrows_the_page(member_client, month, people):
    text = member_client.get(f"{NOVEMBER}&owner_id={people.bruno.id}").text

    assert "Only the leads of Bruno." in text
    assert table_rows(figure(text, "chart-sources")) == [
        ["email", "€500.00 + $300.00", "2", "0", "100.0%", "14.0"],
        ["Entered by hand", "€0.00", "0", "1", "0.0%", "—"],
    ]
    assert f'<option value="{people.bruno.id}" selected>Bruno</option>' in text


def test_the_results_of_someone_who_left_can_still_be_chosen(member_client, month, people):
    people.bruno.active = False
    db.session.commit()

    text = member_client.get(NOVEMBER).text

    assert f'<option value="{people.bruno.id}">Bruno (left the team)</option>' in text


def test_other_currencies_are_written_beside_the_won_chart(member_client, month):
    html = figure(member_client.get(NOVEMBER).text, "chart-won")

    assert "Also won in other currencies, not in the bars: $300.00." in html


def test_a_former_colleague_can_still_be_chosen(member_client, month, people):
    people.bruno.active = False
    db.session.commit()

    text = member_client.get(f"{NOVEMBER}&owner_id={people.bruno.id}").text

    assert (f'<option value="{people.bruno.id}" selected>Bruno (left the team)</option>'
            in text)
    assert "Only the leads of Bruno." in text


def test_default_period_is_this_month(member_client, month, monkeypatch):
    monkeypatch.setattr("kanban.web.results.today", lambda: date(2026, 11, 18))

    text = member_client.get("/results").text

    assert "Won this month" in text
    assert "From Nov 1, 2026 to Nov 30, 2026, both days included." in text
    assert "€4,000.00" in text
    assert 'value="2026-11-01"' in text and 'value="2026-11-30"' in text


def test_page_renders_when_there_is_nothing_to_show(member_client, pipeline):
    response = member_client.get(NOVEMBER)

    assert response.status_code == 200
    assert "0 leads won" in response.text
    # Sources, people, proposals and lost reasons; weeks and stages show zeros.
    assert response.text.count("Nothing in this period.") == 4
    assert "Success rate of proposals</dt><dd>—</dd>" in response.text


def test_page_renders_without_any_pipeline(member_client):
    assert member_client.get("/results").status_code == 200


def test_page_needs_a_login(client):
    response = client.get("/results")

    assert response.status_code in (302, 401)


@pytest.mark.parametrize(("query", "field", "message"), [
    ("period=forever", "Period", "Choose one of the periods in the list."),
    ("period=custom&to=2026-11-30", "First day", "Give a date for a period of your choice."),
    ("period=custom&from=2026-13-01&to=2026-11-30", "First day", "Use a date such as"),
    ("period=custom&from=2026-11-30&to=2026-11-01", "Last day", "comes before the first day"),
    ("period=custom&from=0001-01-01&to=2026-11-01", "First day", "between the years 1900"),
    ("period=custom&from=9999-12-31&to=9999-12-31", "First day", "between the years 1900"),
    ("period=custom&from=2000-01-01&to=2026-11-01", "Last day", "ten years at most"),
    ("owner_id=abc", "Person", "Choose a person from the list."),
    ("owner_id=%C2%B2", "Person", "Choose a person from the list."),
    ("owner_id=99999999999999999999", "Person", "Choose a person from the list."),
    ("owner_id=4242", "Person", "This person is not on the team."),
])
def test_bad_choice_gets_a_400_naming_the_field(member_client, pipeline, query, field,
                                                message):
    response = member_client.get(f"/results?{query}")

    assert response.status_code == 400
    assert "Some choices are not valid" in response.text
    assert re.search(rf"<li>{field}: [^<]*{re.escape(message)}", response.text)
    assert "<svg" not in response.text


def test_hostile_text_is_escaped_in_the_chart_and_the_table(member_client, pipeline):
    hostile = "<script>alert(1)</script>"
    november = pipeline.stages[0]
    lead(november, "won", source=hostile, closed=at(10))
    for reason in (hostile, f"Price: {hostile}"):
        lead(november, "lost", source=hostile, closed=at(11), reason=reason)

    text = member_client.get(NOVEMBER).text

    assert hostile not in text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    sources = figure(text, "chart-sources")
    assert sources.split("</svg>")[0].count(escaped) == 1
    assert table_rows(sources)[0][0] == escaped
    assert table_rows(figure(text, "chart-lost")) == [["Price", "1"], ["Other", "1"]]


def test_plugin_charts_are_drawn_like_the_others(member_client, month, register_plugin):
    seen = []

    class Calls:
        @hookimpl
        def kanban_ui_results_charts(self, start, end, user):
            seen.append((start, end, user.name))
            return [Chart("Calls made <b>", [Bar("Ana", 12, "12 calls"), Bar("Bruno", 0)])]

    register_plugin(Calls())

    text = member_client.get(NOVEMBER).text

    assert seen == [(date(2026, 11, 1), date(2026, 12, 1), "Member Person")]
    html = figure(text, "chart-more-1")
    assert "<h2>Calls made &lt;b&gt;</h2>" in html
    assert '<title id="chart-more-1-title">Calls made &lt;b&gt;</title>' in html
    assert table_rows(html) == [["Ana", "12 calls"], ["Bruno", "0"]]


def test_weeks_start_on_the_day_the_readers_country_starts_them(app, month):
    from tests.conftest import log_in
    from tests.factories import UserFactory

    portuguese = log_in(app.test_client(), UserFactory(locale="pt"))  # Portugal: Sunday
    html = figure(portuguese.get(NOVEMBER).text, "chart-won")

    assert [row[0] for row in table_rows(html)] == ["1 de nov.", "8 de nov.", "15 de nov.",
                                                   "22 de nov.", "29 de nov."]


def test_a_year_month_by_month_names_each_month_whole_under_its_column(app, month):
    from tests.conftest import log_in
    from tests.factories import UserFactory

    portuguese = log_in(app.test_client(), UserFactory(locale="pt"))
    html = figure(portuguese.get("/results?period=custom&from=2026-01-01&to=2026-12-31").text,
                  "chart-won")

    ticks = re.findall(r"<text [^>]*>([^<]*)</text>", html)[1:]  # after the top value
    assert ticks[:3] == ["jan.", "2026", "mar."]
    assert not any("…" in tick for tick in ticks)
    assert [row[0] for row in table_rows(html)][:2] == ["jan. de 2026", "fev. de 2026"]
