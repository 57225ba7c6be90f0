"""The board page and its fragments, through the Flask test client on every database."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import event

from kanban import hookimpl
from kanban.extensions import db
from kanban.services.lead_batches import create_leads
from kanban.ui import Badge, ToolbarItem
from tests.conftest import log_in
from tests.factories import LeadFactory, PipelineFactory, UserFactory


def column(html: str, stage_id: int) -> str:
    """Return the HTML of one column of the board."""
    match = re.search(
        rf'<section class="column[^"]*" data-stage-id="{stage_id}".*?</section>', html, re.S
    )
    assert match, f"no column for stage {stage_id}"
    return match.group(0)


def card_titles(html: str) -> list[str]:
    titles = re.findall(r'class="card-title" href="/leads/\d+">([^<]*)</a>', html)
    return [unescape(title) for title in titles]


class CountStatements:
    """Count the SQL statements the application sends while the block runs."""

    def __enter__(self):
        self.statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", self.record)
        return self

    def record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self.record)

    @property
    def count(self) -> int:
        return len(self.statements)


# ---------------------------------------------------------------------------
# Columns and their totals
# ---------------------------------------------------------------------------


def test_column_header_shows_count_and_total_value_of_open_leads(member_client, pipeline):
    new, contacted = pipeline.stages[0], pipeline.stages[1]
    LeadFactory(stage=new, value=Decimal("1200.50"))
    LeadFactory(stage=new, value=Decimal("800.00"))
    LeadFactory(stage=new, value=None)
    LeadFactory(stage=new, value=Decimal("5000"), status="won")
    LeadFactory(stage=contacted, value=Decimal("10"))

    html = member_client.get("/board").text

    assert '<span class="count" data-count="3" title="Leads">3</span>' in column(html, new.id)
    assert "€2,000.50" in column(html, new.id)
    assert '<span class="count" data-count="1" title="Leads">1</span>' in column(html, contacted.id)
    assert "€10.00" in column(html, contacted.id)


def test_empty_column_shows_zero_in_the_users_currency(member_client, pipeline):
    html = member_client.get("/board").text

    assert ('<span class="count" data-count="0" title="Leads">0</span>'
            in column(html, pipeline.stages[3].id))
    assert "€0.00" in column(html, pipeline.stages[3].id)


def test_column_with_two_currencies_shows_one_sum_per_currency(member_client, pipeline):
    stage = pipeline.stages[0]
    LeadFactory(stage=stage, value=Decimal("100"), currency="EUR")
    LeadFactory(stage=stage, value=Decimal("40"), currency="USD")

    assert "€100.00 + $40.00" in column(member_client.get("/board").text, stage.id)


def test_totals_endpoint_answers_every_columns_count_and_total(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[1], value=Decimal("250"))

    data = member_client.get(f"/board/totals?pipeline_id={pipeline.id}").get_json()

    assert data["columns"] == {
        str(pipeline.stages[1].id): {"count": 1, "total": "€250.00", "weighted": "€75.00"}
    }
    assert data["empty_total"] == "€0.00"


def test_proposal_stage_is_marked(member_client, pipeline):
    html = member_client.get("/board").text

    assert 'class="column is-proposal"' in column(html, pipeline.stages[2].id)
    assert "is-proposal" not in column(html, pipeline.stages[0].id)


def test_board_without_pipeline_says_an_admin_creates_one(member_client):
    response = member_client.get("/board")

    assert response.status_code == 200
    assert "No pipeline yet" in response.text
    assert "An admin creates the first pipeline and its stages." in response.text
    assert "/admin/pipelines" not in response.text


def test_board_without_pipeline_offers_an_admin_to_create_the_first_one(admin_client):
    page = admin_client.get("/board").text

    link = re.search(r'<a class="button primary" href="([^"]+)">Create the first pipeline</a>',
                     page)
    assert link and "An admin creates" not in page
    path, anchor = link[1].split("#")
    assert f'id="{anchor}"' in admin_client.get(path).text


@pytest.mark.parametrize(("language", "offer"), [
    ("pt", "Criar o primeiro pipeline"), ("it", "Crea la prima pipeline"),
    ("es", "Crear el primer embudo"), ("ru", "Создать первую воронку")])
def test_the_offer_to_create_the_first_pipeline_is_in_the_admins_language(
        app, language, offer):
    admin = UserFactory(role="admin", locale=language)
    page = log_in(app.test_client(), admin).get("/board").text

    assert offer in page


# ---------------------------------------------------------------------------
# Cards
# ---------------------------------------------------------------------------


def test_card_shows_title_company_value_owner_priority_and_tags(member_client, pipeline):
    owner = UserFactory(name="Ana Silva")
    LeadFactory(
        title="Printer fleet", company="Padaria Lisboeta", value=Decimal("4200"),
        owner=owner, priority=1, stage=pipeline.stages[0], tags=["renewal", "urgent"],
    )

    html = column(member_client.get("/board").text, pipeline.stages[0].id)

    assert ">Printer fleet</a>" in html
    assert '<span class="card-who">Padaria Lisboeta</span>' in html
    assert "€4,200.00" in html
    assert '<span class="card-owner" title="Ana Silva">' in html
    assert 'title="Prospect, priority 1"' in html
    assert '<span aria-hidden="true">1</span>' in html
    assert '<span class="tag">renewal</span><span class="tag">urgent</span>' in html


def test_card_without_company_shows_the_contact(member_client, pipeline):
    LeadFactory(company="", contact_name="Joana Ferreira", stage=pipeline.stages[0])

    assert '<span class="card-who">Joana Ferreira</span>' in member_client.get("/board").text


def test_card_links_to_the_lead_page(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])

    assert f'href="/leads/{lead.id}"' in member_client.get("/board").text


def test_overdue_next_action_is_marked(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], next_action_date=date.today() - timedelta(days=2))
    LeadFactory(stage=pipeline.stages[0], next_action_date=date.today() + timedelta(days=2))

    html = member_client.get("/board").text

    assert html.count('class="due due-overdue"') == 1
    assert "Overdue since" in html
    assert html.count('<span class="due">Next:') == 1


def test_standby_lead_is_marked_and_never_overdue(member_client, pipeline):
    LeadFactory(
        stage=pipeline.stages[0],
        next_action_kind="standby",
        next_action_date=date.today() + timedelta(days=5),
    )

    html = member_client.get("/board").text

    assert 'class="due due-standby">Standby until' in html
    assert "due-overdue" not in html


def test_title_with_markup_is_escaped(member_client, pipeline):
    LeadFactory(title="<script>alert(1)</script>", company='"><img src=x>',
                stage=pipeline.stages[0])

    html = member_client.get("/board").text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html


def test_card_carries_its_id_and_version_for_moves(member_client, pipeline):
    lead = LeadFactory(stage=pipeline.stages[0])

    html = member_client.get("/board").text

    assert f'data-id="{lead.id}" data-version="{lead.version}"' in html


# ---------------------------------------------------------------------------
# Pipelines
# ---------------------------------------------------------------------------


def test_pipeline_switcher_shows_only_with_several_pipelines(member_client, pipeline):
    assert 'class="pipeline-switch"' not in member_client.get("/board").text

    other = PipelineFactory(name="Renewals", stages=["Due", "Renewed"])
    html = member_client.get("/board").text

    assert 'class="pipeline-switch"' in html
    assert f'href="/board?pipeline_id={other.id}"' in html


def test_board_shows_the_chosen_pipeline(member_client, pipeline):
    other = PipelineFactory(name="Renewals", stages=["Due", "Renewed"])
    LeadFactory(title="Renew hosting", stage=other.stages[0])
    LeadFactory(title="New shop", stage=pipeline.stages[0])

    html = member_client.get(f"/board?pipeline_id={other.id}").text

    assert card_titles(html) == ["Renew hosting"]
    assert "<h1>Renewals</h1>" in html


def test_unknown_pipeline_is_not_found(member_client, pipeline):
    response = member_client.get("/board?pipeline_id=999")

    assert response.status_code == 404
    assert "pipeline does not exist" in response.text


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


@pytest.fixture
def mixed(pipeline):
    """Leads that differ by one filter each."""
    ana = UserFactory(name="Ana")
    stage = pipeline.stages[0]
    LeadFactory(title="Ana's lead", owner=ana, stage=stage)
    LeadFactory(title="Tagged lead", tags=["trade-fair"], stage=stage)
    LeadFactory(title="Urgent lead", priority=1, stage=stage)
    LeadFactory(title="Won lead", status="won", stage=stage)
    LeadFactory(title="Plain lead", company="Hotel Alameda", stage=stage)
    return ana


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("tag=trade-fair", ["Tagged lead"]),
        ("priority=1", ["Urgent lead"]),
        ("priority=high", ["Urgent lead"]),
        ("status=won", ["Won lead"]),
        ("q=alameda", ["Plain lead"]),
        ("q=zzz", []),
    ],
)
def test_filter_in_the_url_selects_leads(member_client, mixed, query, titles):
    assert card_titles(member_client.get(f"/board?{query}").text) == titles


def test_owner_filter_selects_that_persons_leads(member_client, mixed):
    html = member_client.get(f"/board?owner_id={mixed.id}").text

    assert card_titles(html) == ["Ana's lead"]
    assert '<span class="count" data-count="1" title="Leads">1</span>' in html


def test_someone_who_left_with_open_leads_can_still_be_filtered_on(member_client, pipeline):
    gone = UserFactory(name="Pablo Ruiz", active=False)
    LeadFactory(stage=pipeline.stages[0], owner=gone, title="Pablo's lead")
    UserFactory(name="Quiet Quentin", active=False)  # left with nothing open

    html = member_client.get("/board").text

    assert f'<option value="{gone.id}">Pablo Ruiz (left the team)</option>' in html
    assert "Quiet Quentin" not in html
    assert card_titles(member_client.get(f"/board?owner_id={gone.id}").text) == [
        "Pablo's lead"]


def test_closed_leads_are_shown_but_not_movable(member_client, mixed):
    html = member_client.get("/board?status=won").text

    assert 'class="card is-closed"' in html
    assert '<span class="badge badge-status">Won</span>' in html
    assert "data-movable" not in html
    assert "Sortable" not in html


def test_my_leads_link_keeps_the_other_filters(member_client, member, pipeline):
    html = member_client.get("/board?tag=web").text

    assert f'href="/board?pipeline_id={pipeline.id}&amp;tag=web&amp;owner_id={member.id}"' in html


def test_my_leads_shows_the_persons_own_leads(member_client, member, pipeline):
    LeadFactory(title="Mine", owner=member, stage=pipeline.stages[0])
    LeadFactory(title="Someone else's", stage=pipeline.stages[0])

    html = member_client.get(f"/board?owner_id={member.id}").text

    assert card_titles(html) == ["Mine"]
    assert 'aria-current="true">My leads' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("priority=urgent", "Use 1, 2 or 3 for prospects, A, B, C or D for clients."),
        ("attention=late", "Use overdue, stale, todo or proposals."),
        ("sort=colour", "Sort by priority, next_action, value or created."),
        ("owner_id=ana", "Must be a number."),
        ("status=maybe", "Use open, won, lost, cancelled, closed or all."),
        ("created_from=yesterday", "Use a date such as 2026-03-31."),
    ],
)
def test_bad_filter_value_gets_a_clear_message(member_client, pipeline, query, message):
    LeadFactory(stage=pipeline.stages[0])

    response = member_client.get(f"/board?{query}")

    assert response.status_code == 400
    assert message in response.text
    assert "Some filters are not valid" in response.text
    assert 'class="card' not in response.text


@pytest.mark.parametrize(("query", "label"), [("tag=%00", "Etichetta"), ("q=%00", "Cerca")])
def test_a_bad_tag_or_search_is_named_in_the_readers_language(member_client, pipeline, query,
                                                              label):
    response = member_client.get(f"/board?{query}", headers={"Accept-Language": "it"})
    assert response.status_code == 400
    assert f"<li>{label}: " in response.text


def test_toolbar_buttons_from_plugins_carry_the_filters(member_client, pipeline, register_plugin):
    seen = {}

    class Export:
        @hookimpl
        def kanban_ui_board_toolbar(self, pipeline, user, filters):
            seen.update(filters)
            query = "&".join(f"{k}={v}" for k, v in sorted(filters.items()))
            return [ToolbarItem("Export CSV", f"/export.csv?{query}", icon="⬇",
                                title="Download <these> leads")]

    register_plugin(Export())

    html = member_client.get("/board?tag=web&priority=high").text

    assert seen == {"pipeline_id": str(pipeline.id), "tag": "web", "priority": "1"}
    assert f'href="/export.csv?pipeline_id={pipeline.id}&amp;priority=1&amp;tag=web"' in html
    assert 'title="Download &lt;these&gt; leads"' in html


# ---------------------------------------------------------------------------
# Badges from plugins
# ---------------------------------------------------------------------------


class BadgePlugin:
    def __init__(self):
        self.calls: list[list[int]] = []

    @hookimpl
    def kanban_ui_card_badges(self, leads, user):
        self.calls.append([lead.id for lead in leads])
        return {lead.id: [Badge("web", title="From the <form>", tone="info")] for lead in leads}


def test_card_badges_are_asked_once_with_every_visible_lead(
    member_client, pipeline, register_plugin
):
    plugin = register_plugin(BadgePlugin())
    leads = [LeadFactory(stage=stage) for stage in pipeline.stages]

    html = member_client.get("/board").text

    assert len(plugin.calls) == 1
    assert sorted(plugin.calls[0]) == sorted(lead.id for lead in leads)
    badge = '<span class="badge badge-info" title="From the &lt;form&gt;">web</span>'
    assert html.count(badge) == 4


# ---------------------------------------------------------------------------
# Big columns: first page, load more
# ---------------------------------------------------------------------------


@pytest.fixture
def long_column(app, pipeline):
    app.config["BOARD_PAGE_SIZE"] = 3
    stage = pipeline.stages[0]
    return stage, [LeadFactory(title=f"Lead {n:02d}", stage=stage) for n in range(7)]


def test_column_renders_its_first_page_and_counts_everything(member_client, long_column):
    stage, leads = long_column

    html = column(member_client.get("/board").text, stage.id)

    assert card_titles(html) == ["Lead 00", "Lead 01", "Lead 02"]
    assert '<span class="count" data-count="7" title="Leads">7</span>' in html
    assert "€7,000.00" in html
    assert f'class="load-more" data-after="{leads[2].rank}"' in html


def test_load_more_answers_the_next_cards_and_where_to_continue(member_client, long_column):
    stage, leads = long_column

    response = member_client.get(f"/board/stages/{stage.id}/cards?after={leads[2].rank}")

    assert response.status_code == 200
    assert card_titles(response.text) == ["Lead 03", "Lead 04", "Lead 05"]
    assert response.headers["X-Next-After"] == leads[5].rank


def test_load_more_says_when_the_column_is_complete(member_client, long_column):
    stage, leads = long_column

    response = member_client.get(f"/board/stages/{stage.id}/cards?after={leads[5].rank}")

    assert card_titles(response.text) == ["Lead 06"]
    assert response.headers["X-Next-After"] == ""


def test_column_fragment_without_cursor_is_the_first_page(member_client, long_column):
    stage, _leads = long_column

    response = member_client.get(f"/board/stages/{stage.id}/cards")

    assert card_titles(response.text) == ["Lead 00", "Lead 01", "Lead 02"]


def test_load_more_keeps_the_filters(member_client, long_column):
    stage, leads = long_column
    for lead in leads[3:6]:
        lead.priority = 1
    db.session.commit()

    response = member_client.get(f"/board/stages/{stage.id}/cards?priority=1")

    assert card_titles(response.text) == ["Lead 03", "Lead 04", "Lead 05"]
    assert response.headers["X-Next-After"] == ""


def test_load_more_asks_for_badges_once(member_client, long_column, register_plugin):
    stage, leads = long_column
    plugin = register_plugin(BadgePlugin())

    member_client.get(f"/board/stages/{stage.id}/cards?after={leads[2].rank}")

    assert plugin.calls == [[lead.id for lead in leads[3:6]]]


def test_load_more_of_an_unknown_stage_is_not_found(member_client, pipeline):
    assert member_client.get("/board/stages/999/cards").status_code == 404


def test_load_more_with_a_bad_filter_is_refused_clearly(member_client, long_column):
    stage, _leads = long_column

    response = member_client.get(
        f"/board/stages/{stage.id}/cards?priority=urgent", headers={"Accept": "application/json"}
    )

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "priority": "Use 1, 2 or 3 for prospects, A, B, C or D for clients."}


def test_load_more_needs_a_login(client, long_column):
    stage, _leads = long_column

    assert client.get(f"/board/stages/{stage.id}/cards").status_code == 302


# ---------------------------------------------------------------------------
# A constant number of queries
# ---------------------------------------------------------------------------


def statements_for_board(client, pipeline, count: int) -> int:
    """Fill a pipeline with ``count`` leads (owners, tags) and count the board's statements."""
    owners = [UserFactory() for _ in range(3)]
    for n in range(count):
        LeadFactory(stage=pipeline.stages[n % 4], owner=owners[n % 3],
                    tags=["web", f"t{n % 5}"], value=Decimal(n))
    db.session.expire_all()
    with CountStatements() as counter:
        response = client.get(f"/board?pipeline_id={pipeline.id}")
    assert response.status_code == 200
    assert response.text.count('<li class="card') == min(count, 4 * 40)
    return counter.count


@pytest.mark.parametrize("with_badges", [False, True], ids=["plain", "badges"])
def test_board_runs_as_many_queries_for_200_leads_as_for_10(
    app, member, register_plugin, with_badges
):
    if with_badges:
        register_plugin(BadgePlugin())
    client = log_in(app.test_client(), member)

    small = statements_for_board(client, PipelineFactory(stages=["A", "B", "C", "D"]), 10)
    big = statements_for_board(client, PipelineFactory(stages=["A", "B", "C", "D"]), 200)

    assert big == small
    # The bell's unread count, the saved views and where the live board starts are three.
    assert small <= 13


# ---------------------------------------------------------------------------
# Scripts and the lost dialog
# ---------------------------------------------------------------------------


def test_sortable_is_loaded_with_its_integrity_hash(app, member_client, pipeline):
    app.config["SORTABLE_JS_URL"] = "https://cdn.example/sortable.js"
    app.config["SORTABLE_JS_INTEGRITY"] = "sha384-abc"

    html = member_client.get("/board").text

    assert (
        '<script src="/static/js/sortable-loader.js" data-src="https://cdn.example/sortable.js" '
        'data-integrity="sha384-abc" '
    ) in html


def test_sortable_from_a_local_copy_needs_no_integrity(app, member_client, pipeline):
    app.config["SORTABLE_JS_URL"] = "/static/vendor/Sortable.min.js"
    app.config["SORTABLE_JS_INTEGRITY"] = ""

    html = member_client.get("/board").text

    assert 'data-src="/static/vendor/Sortable.min.js" data-local=' in html
    assert "integrity=" not in html


def test_default_sortable_is_pinned_with_a_sha384(app):
    assert app.config["SORTABLE_JS_URL"].endswith("sortablejs@1.15.6/Sortable.min.js")
    assert re.fullmatch(r"sha384-[A-Za-z0-9+/]{64}", app.config["SORTABLE_JS_INTEGRITY"])


def test_sortable_from_the_cdn_falls_back_to_the_shipped_copy(app, member_client, pipeline):
    html = member_client.get("/board").text

    assert f'data-src="{app.config["SORTABLE_JS_URL"]}"' in html
    assert 'data-local="/static/vendor/sortablejs/Sortable.min.js" defer></script>' in html


def test_no_page_waits_on_the_sortable_cdn_with_a_tag_of_its_own(app, member_client, pipeline):
    # A deferred tag that hangs would hold the board's own script until the browser gives up.
    html = member_client.get("/board").text

    assert f'<script src="{app.config["SORTABLE_JS_URL"]}"' not in html


def test_local_only_sortable_names_no_cdn(app, member_client, pipeline):
    app.config["SORTABLE_JS_LOCAL"] = True

    response = member_client.get("/board")

    local = '<script src="/static/vendor/sortablejs/Sortable.min.js" defer></script>'
    assert local in response.text
    assert "jsdelivr" not in response.text
    assert "jsdelivr" not in response.headers["Content-Security-Policy"]


def test_shipped_sortable_is_the_pinned_file_with_its_licence(app, client):
    response = client.get("/static/vendor/sortablejs/Sortable.min.js")
    digest = base64.b64encode(hashlib.sha384(response.data).digest()).decode()

    assert response.status_code == 200
    assert f"sha384-{digest}" == app.config["SORTABLE_JS_INTEGRITY"]
    assert "MIT License" in client.get("/static/vendor/sortablejs/LICENSE").text


def test_policy_allows_exactly_the_sortable_url_not_its_whole_host(app, client):
    policy = client.get("/login").headers["Content-Security-Policy"]

    assert (
        "script-src 'self' https://cdn.jsdelivr.net/npm/sortablejs@1.15.6/Sortable.min.js;"
    ) in policy


def test_policy_allows_an_intranet_http_sortable_url(app, client):
    app.config["SORTABLE_JS_URL"] = "http://assets.intranet/js/Sortable.min.js"

    policy = client.get("/login").headers["Content-Security-Policy"]

    assert "script-src 'self' http://assets.intranet/js/Sortable.min.js;" in policy


def test_policy_for_a_sortable_on_this_site_names_only_self(app, client):
    app.config["SORTABLE_JS_URL"] = "/static/vendor/sortablejs/Sortable.min.js"

    policy = client.get("/login").headers["Content-Security-Policy"]

    assert "script-src 'self';" in policy


def test_lost_dialog_offers_the_configured_reasons(app, member_client, pipeline):
    app.config["LOST_REASONS"] = ["Too expensive", "Went quiet"]

    html = member_client.get("/board").text

    assert 'value="Too expensive"' in html
    assert 'value="Went quiet"' in html
    assert '<dialog id="lost-dialog"' in html


def test_totals_endpoint_counts_only_the_filtered_leads(member_client, pipeline):
    LeadFactory(stage=pipeline.stages[0], priority=1, value=Decimal("300"))
    LeadFactory(stage=pipeline.stages[0], priority=2, value=Decimal("50"))

    data = member_client.get(f"/board/totals?pipeline_id={pipeline.id}&priority=1").get_json()

    assert data["columns"] == {
        str(pipeline.stages[0].id): {"count": 1, "total": "€300.00", "weighted": "€30.00"}
    }


def test_board_of_all_leads_lets_open_cards_move_and_marks_closed_ones(member_client, pipeline):
    LeadFactory(title="Open one", stage=pipeline.stages[0])
    LeadFactory(title="Lost one", stage=pipeline.stages[0], status="lost", lost_reason="Price")

    html = member_client.get("/board?status=all").text

    assert sorted(card_titles(html)) == ["Lost one", "Open one"]
    assert html.count('<li class="card is-closed"') == 1
    assert '<span class="badge badge-status">Lost</span>' in html
    assert "data-movable" in html


def test_a_columns_count_is_written_with_its_digits_grouped(app, member_client, pipeline):
    stage = pipeline.stages[0]
    create_leads([{"title": f"Lead {n}"} for n in range(1001)], stage=stage, user=None,
                 tell_people=False)

    html = column(member_client.get("/board", headers={"Accept-Language": "ru"}).text,
                  stage.id)

    assert '<span class="count" data-count="1001" title="Лиды">1\u00a0001</span>' in html
