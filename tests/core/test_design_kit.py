"""The design kit: every page of the app, the core's and the plugins', is built from the same
Jinja macros (templates/kit.html) and style sheet (static/css/kit.css), so no page looks like
it came from another app. And the admin team page asks before it deactivates someone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from kanban.extensions import db
from kanban.models import User
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_TEMPLATES = sorted(ROOT.glob("plugins/kanban_*/templates"))
KIT = "kit.html"
LAYOUT = "base.html"
# Templates of plugins that are not pages of the app, and why.
NOT_APP_PAGES = {
    "webform/hosted.html": "the public form, in the look of the team's website",
    "webform/iframe.html": "the frame a website pastes, around the public form",
    "webform/message.html": "the public form's thank-you and error page",
    "webform/snippet.html": "HTML a website pastes, styled by that website",
    "email_bcc/lead_panel.html": "a panel the lead page puts inside its own card",
}
# Panels are not pages (no layout of their own) but are built from the kit.
PANELS = {"email_bcc/profile_panel.html"}
CORE_PAGES = ["auth/profile.html", "admin/exports.html", "admin/sources.html",
              "admin/team.html", "admin/team_deactivate.html", "admin/team_person.html"]
KIT_CLASSES = [".field-group", ".checkbox-list", ".actions", ".panel", ".table-wrap",
               ".empty-state", ".danger-zone", ".menu-items", ".copy-box"]


def plugin_templates() -> dict[str, Path]:
    """Every plugin template, by the name a view renders it with."""
    return {str(path.relative_to(folder)): path
            for folder in PLUGIN_TEMPLATES for path in sorted(folder.rglob("*.html"))}


def find_template(name: str) -> Path:
    return plugin_templates().get(name) or ROOT / "templates" / name


def parsed(path: Path) -> nodes.Template:
    return Environment(extensions=["jinja2.ext.do"]).parse(path.read_text())


def extends(path: Path) -> str | None:
    found = parsed(path).find(nodes.Extends)
    return found.template.value if found else None


def uses_kit(path: Path, seen: frozenset[str] = frozenset()) -> bool:
    """Whether the template imports the kit's macros, itself or in a partial it includes."""
    tree = parsed(path)
    imports = [*tree.find_all(nodes.FromImport), *tree.find_all(nodes.Import)]
    if any(getattr(i.template, "value", None) == KIT for i in imports):
        return True
    included = {i.template.value for i in tree.find_all(nodes.Include)
                if isinstance(i.template, nodes.Const)}
    return any(uses_kit(find_template(name), seen | {name})
               for name in included - seen)


def app_pages() -> list[str]:
    return [name for name in plugin_templates()
            if name not in NOT_APP_PAGES and name not in PANELS
            and not Path(name).name.startswith("_")]


def test_the_plugins_have_pages_to_check():
    assert len(PLUGIN_TEMPLATES) == 5
    assert {"csv/import.html", "webform/admin/settings.html", "email_bcc/log.html",
            "webhooks/index.html", "prospects/list.html"} <= set(
        app_pages())


@pytest.mark.parametrize("name", app_pages())
def test_every_plugin_page_extends_the_core_layout(name):
    assert extends(plugin_templates()[name]) == LAYOUT


@pytest.mark.parametrize("name", [*app_pages(), *sorted(PANELS)])
def test_every_plugin_page_and_panel_is_built_from_the_kit(name):
    assert uses_kit(plugin_templates()[name]), f"{name} imports nothing from {KIT}"


@pytest.mark.parametrize("name", CORE_PAGES)
def test_the_core_pages_are_built_from_the_kit(name):
    path = ROOT / "templates" / name
    assert extends(path) == LAYOUT and uses_kit(path)


def test_the_exceptions_still_exist():
    assert set(NOT_APP_PAGES) | PANELS <= set(plugin_templates())


@pytest.mark.parametrize("name", sorted(plugin_templates()))
def test_no_plugin_template_borrows_the_board_card_or_inline_styles(name):
    """``card`` is a lead on the board (it grabs the pointer); a page's card is the kit's."""
    if name in NOT_APP_PAGES:
        return
    source = plugin_templates()[name].read_text()
    assert not re.search(r'class="card[" ]', source)
    assert ' style="' not in source


def test_the_field_macro_has_one_definition():
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")]
    counts = {str(path.relative_to(ROOT)): path.read_text().count("{% macro field(")
              for path in templates}
    assert {path: count for path, count in counts.items() if count} == {"templates/kit.html": 1}


def test_the_layout_links_the_kit_style_sheet():
    assert "css/kit.css" in (ROOT / "templates" / LAYOUT).read_text()


@pytest.mark.parametrize("selector", KIT_CLASSES)
def test_each_piece_of_the_kit_is_styled_in_one_place(selector):
    rule_start = re.compile(rf"(^|[,}}]\s*){re.escape(selector)}\s*[,{{]", re.M)
    homes = [path.name for path in sorted(ROOT.glob("static/css/*.css"))
             if rule_start.search(path.read_text())]
    assert homes == ["kit.css"]


# ---------------------------------------------------------------------------
# The macros, rendered
# ---------------------------------------------------------------------------


def render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return app.jinja_env.from_string(source).render(**context)


def test_a_hand_written_field_ties_its_label_hint_and_error_to_the_control(app):
    html = render(app, """{% from "kit.html" import field %}
        {% call(aria) field(label='Name', id='name', name='name', hint='Shown to visitors',
                            error='Fill in a name.') %}
          <input id="name" name="name"{{ aria }}>
        {% endcall %}""")
    assert '<label class="field-label" for="name">Name</label>' in html
    assert 'aria-describedby="name-hint name-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="name-error" data-field="name">Fill in a name.' in html


def test_a_field_without_error_says_nothing_of_one(app):
    html = render(app, """{% from "kit.html" import field %}
        {% call(aria) field(label='Tags', id='tags') %}<input id="tags"{{ aria }}>{% endcall %}""")
    assert "aria-invalid" not in html and "field-error" not in html
    assert '<input id="tags">' in html


def test_a_checkbox_list_ticks_the_chosen_values_whatever_their_type(app):
    html = render(app, """{% from "kit.html" import checkbox_list %}
        {{ checkbox_list('owner', [(1, 'Ana'), (2, 'Rui')], checked=['2'], legend='Owner') }}""")
    assert '<legend>Owner</legend>' in html and 'class="checkbox-list"' in html
    assert 'value="1">' in html and 'value="2" checked>' in html


def test_a_table_scrolls_in_its_own_labelled_region(app):
    html = render(app, """{% from "kit.html" import table %}
        {% call table('Exports') %}<tbody></tbody>{% endcall %}""")
    assert '<div class="table-wrap" role="region" aria-label="Exports" tabindex="0">' in html
    assert '<caption class="sr-only">Exports</caption>' in html


def test_a_row_menu_names_its_row_for_a_screen_reader(app):
    html = render(app, """{% from "kit.html" import row_menu %}
        {% call row_menu('Ana Lima') %}<a href="/x">Do</a>{% endcall %}""")
    assert '<details class="menu">' in html
    summary = '<summary class="button">Actions<span class="sr-only">: Ana Lima</span></summary>'
    assert summary in html


def test_hostile_words_are_escaped_by_the_macros(app):
    html = render(app, """{% from "kit.html" import card, empty_state %}
        {% call card(title) %}{% endcall %}{{ empty_state(title) }}""", title="<script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------------------
# The team page: actions in a menu, deactivation asked once
# ---------------------------------------------------------------------------


def reload(ident: int) -> User:
    db.session.expire_all()
    return db.session.get(User, ident)


def test_the_team_page_puts_each_persons_actions_in_a_menu(admin_client, member):
    page = admin_client.get("/admin/team").text
    assert page.count('<details class="menu">') == 2  # the admin and the member
    assert 'class="danger"' not in page
    assert f'action="/admin/team/{member.id}/deactivate"' not in page
    assert f'href="/admin/team/{member.id}/deactivate"' in page


def test_the_deactivation_step_says_what_it_means(admin_client, member):
    page = admin_client.get(f"/admin/team/{member.id}/deactivate")
    assert page.status_code == 200
    assert f"{member.name} can no longer log in" in page.text
    assert "Their leads and history stay" in page.text
    assert "Their sessions end now" in page.text
    assert f'<form method="post" action="/admin/team/{member.id}/deactivate">' in page.text
    assert reload(member.id).active is True


def test_confirming_deactivates_the_person(admin_client, member):
    response = admin_client.post(f"/admin/team/{member.id}/deactivate")
    assert response.status_code == 302
    assert reload(member.id).active is False


def test_the_deactivation_step_of_yourself_goes_back_to_the_team(admin_client, admin):
    response = admin_client.get(f"/admin/team/{admin.id}/deactivate")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/team")


def test_the_deactivation_step_of_someone_already_out_goes_back_to_the_team(admin_client):
    gone = UserFactory(active=False)
    assert admin_client.get(f"/admin/team/{gone.id}/deactivate").status_code == 302


@pytest.mark.parametrize("role_client", ["member_client", "manager_client"])
def test_only_admins_see_the_deactivation_step(request, role_client, admin):
    client = request.getfixturevalue(role_client)
    assert client.get(f"/admin/team/{admin.id}/deactivate").status_code == 403


def test_the_deactivation_step_of_nobody_is_404(admin_client):
    assert admin_client.get("/admin/team/99999/deactivate").status_code == 404


# ---------------------------------------------------------------------------
# The plugin guide
# ---------------------------------------------------------------------------


def kit_macros() -> set[str]:
    return {macro.name for macro in parsed(ROOT / "templates" / KIT).find_all(nodes.Macro)}


def guide() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("### Pages: the design kit", 1)[1].split("\n### ", 1)[0]


def test_the_plugin_guide_lists_every_macro_of_the_kit():
    listed = set(re.findall(r"^\| `(\w+)\(", guide(), re.M))
    assert listed == kit_macros()


def test_the_plugin_guides_example_imports_only_what_the_kit_has(app):
    example = re.search(r"```jinja\n(.*?)```", guide(), re.S).group(1)
    tree = app.jinja_env.parse(example)
    imported = {name if isinstance(name, str) else name[0]
                for node in tree.find_all(nodes.FromImport) if node.template.value == KIT
                for name in node.names}
    assert imported and imported <= kit_macros()
    assert tree.find(nodes.Extends).template.value == LAYOUT


@pytest.mark.browser
def test_a_row_menu_works_from_the_keyboard_and_deactivation_is_asked_once(page, admin):
    from playwright.sync_api import expect

    from tests.live import axe_violations, log_in

    seller = UserFactory(name="Rui Seller")
    log_in(page, admin.email)
    page.goto("/admin/team")
    menu = page.locator(f"#person-{seller.id} details.menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    deactivate = menu.get_by_role("link", name="Deactivate Rui Seller")
    expect(deactivate).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(menu.locator("summary")).to_be_focused()
    assert axe_violations(page) == []

    menu.locator("summary").click()
    deactivate.click()
    expect(page.get_by_text("Their leads and history stay")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Deactivate Rui Seller").click()
    expect(page.locator(".flash-success")).to_contain_text("Rui Seller can no longer log in")
    assert reload(seller.id).active is False
