"""The plugin host: plugins load like third-party packages and extend the core without
changing it; a broken plugin is named; a misspelled hook stops the start-up."""

from __future__ import annotations

import logging
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from kanban import hookimpl
from kanban.app import create_app
from kanban.extensions import db
from kanban.models import Lead
from kanban.plugins import PluginError, collect, get_hook, plugin_report
from kanban.services import leads as service
from kanban.services.sources import lead_sources
from kanban.ui import Badge, LeadSource
from tests.factories import LeadFactory, PipelineFactory

THIRD_PARTY_PLUGIN = '''
import click
from flask import Blueprint
from markupsafe import Markup
from kanban import hookimpl
from kanban.auth import public
from kanban.ui import Asset, NavItem, LeadSource

bp = Blueprint("acme", __name__)

@bp.route("/acme/hello")
@public
def hello():
    return "hello from acme"

@click.command("acme-sync")
def sync():
    """Sync with Acme."""
    click.echo("synced")

@hookimpl
def kanban_register_blueprints():
    return [bp]

@hookimpl
def kanban_register_commands():
    return [sync]

@hookimpl
def kanban_register_lead_sources():
    return [LeadSource("acme", "Acme marketplace")]

@hookimpl
def kanban_ui_navigation(user):
    return [NavItem("Acme", "/acme/hello")]

@hookimpl
def kanban_ui_assets(page):
    return [Asset("css", "/acme/acme.css")] if page == "profile" else []

@hookimpl
def kanban_ui_profile_panels(user):
    return [Markup("<section id='acme-panel'>Acme account of %s</section>") % user.name]
'''


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Install a plugin the way a pip package would: a module plus an entry point."""

    def install(name: str, source: str) -> None:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / f"{name}.py").write_text(textwrap.dedent(source))
        dist = site / f"{name}-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (dist / "entry_points.txt").write_text(f"[kanban.plugins]\n{name} = {name}\n")
        monkeypatch.syspath_prepend(str(site))

    yield install
    for module in [m for m in sys.modules if m.startswith("acme") or m.startswith("broken")]:
        sys.modules.pop(module, None)


def make_app(app_config, **overrides):
    application = create_app({**app_config, **overrides})
    with application.app_context():
        db.create_all()
    return application


class BadgesAndMoves:
    """The test plugin: a card badge and a reaction to moves, with no change to the core."""

    def __init__(self):
        self.moves = []
        self.badge_calls = 0

    @hookimpl
    def kanban_ui_card_badges(self, leads, user):
        self.badge_calls += 1
        return {lead.id: [Badge("hot", title="Hot lead", tone="danger")] for lead in leads
                if lead.value and lead.value > 5000}

    @hookimpl
    def kanban_lead_moved(self, lead, from_stage, to_stage, user):
        self.moves.append((lead.id, from_stage.name, to_stage.name))


def test_card_badge_plugin_shows_on_the_board_with_one_call(register_plugin, member_client,
                                                            pipeline):
    plugin = register_plugin(BadgesAndMoves())
    LeadFactory(stage=pipeline.stages[0], title="Big one", value=9000)
    LeadFactory(stage=pipeline.stages[1], title="Small one", value=100)
    page = member_client.get("/board").text
    assert page.count("Hot lead") == 1
    assert plugin.badge_calls == 1


def test_move_reaction_plugin_hears_from_and_to_stages(register_plugin, member, pipeline):
    plugin = register_plugin(BadgesAndMoves())
    lead = LeadFactory(stage=pipeline.stages[0])
    service.move_lead(lead.id, stage_id=pipeline.stages[2].id, version=lead.version, user=member)
    assert plugin.moves == [(lead.id, "New", "Proposal")]


def test_installed_plugin_adds_routes_commands_sources_and_slots(installed, app_config,
                                                                 member):
    installed("acme_plugin", THIRD_PARTY_PLUGIN)
    application = make_app(app_config, PLUGINS=["acme_plugin"])
    client = application.test_client()
    assert client.get("/acme/hello").text == "hello from acme"
    result = application.test_cli_runner().invoke(args=["acme-sync"])
    assert result.output.strip() == "synced"
    with application.test_request_context():
        assert LeadSource("acme", "Acme marketplace") in lead_sources()
    with client.session_transaction() as session:
        session["_user_id"] = member.get_id()
    profile = client.get("/profile").text
    assert "Acme account of" in profile
    assert 'href="/acme/hello"' in profile
    assert "/acme/acme.css" in profile


def test_plugins_command_lists_plugins_and_their_hooks(installed, app_config):
    installed("acme_plugin", THIRD_PARTY_PLUGIN)
    application = make_app(app_config, PLUGINS=["acme_plugin"])
    output = application.test_cli_runner().invoke(args=["plugins"]).output
    assert "acme_plugin: " in output
    assert "kanban_register_blueprints" in output


def test_misspelled_hook_implementation_stops_the_start_up(installed, app_config):
    installed("acme_typo", """
        from kanban import hookimpl

        @hookimpl
        def kanban_lead_movd(lead):
            pass
    """)
    with pytest.raises(PluginError, match="kanban_lead_movd"):
        create_app({**app_config, "PLUGINS": ["acme_typo"]})


def test_plugin_that_fails_to_import_is_reported_by_name(installed, app_config, caplog):
    installed("broken_plugin", "raise RuntimeError('missing licence key')\n")
    with caplog.at_level(logging.ERROR):
        application = create_app({**app_config, "PLUGINS": ["broken_plugin"],
                                  "PLUGINS_STRICT": False})
    assert "broken_plugin" in caplog.text and "missing licence key" in caplog.text
    rows = {row["name"]: row for row in plugin_report(application)}
    assert rows["broken_plugin"]["error"] == "missing licence key"


def test_plugin_that_fails_to_import_stops_a_strict_start_up(installed, app_config):
    installed("broken_plugin", "raise RuntimeError('missing licence key')\n")
    with pytest.raises(PluginError, match="broken_plugin"):
        create_app({**app_config, "PLUGINS": ["broken_plugin"]})


def test_disabled_plugin_is_not_even_imported(installed, app_config):
    installed("broken_plugin", "raise RuntimeError('should not be imported')\n")
    application = create_app({**app_config, "PLUGINS": ["broken_plugin"],
                              "DISABLED_PLUGINS": ["broken_plugin"]})
    assert "broken_plugin" not in {row["name"] for row in plugin_report(application)}


def test_the_cores_own_rules_cannot_be_disabled(app_config):
    with pytest.raises(PluginError, match="kanban.duplicates is part of the core"):
        create_app({**app_config, "DISABLED_PLUGINS": ["kanban.duplicates"]})


def test_unknown_configured_plugin_is_a_start_up_error(app_config):
    with pytest.raises(PluginError, match="no_such_plugin"):
        create_app({**app_config, "PLUGINS": ["no_such_plugin"]})


def test_built_in_plugins_load_through_entry_points(app_config):
    application = create_app({**app_config, "PLUGINS": None})
    names = {row["name"] for row in plugin_report(application)}
    assert {"webform", "email_bcc", "csv"} <= names


class Exploding:
    @hookimpl
    def kanban_lead_moved(self, lead, from_stage, to_stage, user):
        raise RuntimeError("webhook down")


def test_failing_event_plugin_does_not_undo_the_move_or_silence_others(
    app, register_plugin, member, pipeline, caplog
):
    app.config["PLUGINS_STRICT"] = False
    register_plugin(Exploding(), name="exploding")
    listener = register_plugin(BadgesAndMoves())
    lead = LeadFactory(stage=pipeline.stages[0])
    with caplog.at_level(logging.ERROR):
        service.move_lead(lead.id, stage_id=pipeline.stages[1].id, version=lead.version,
                          user=member)
    assert "exploding" in caplog.text
    assert listener.moves == [(lead.id, "New", "Contacted")]
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).stage_id == pipeline.stages[1].id


def test_failing_event_plugin_raises_in_strict_mode(register_plugin, member, pipeline):
    register_plugin(Exploding(), name="exploding")
    lead = LeadFactory(stage=pipeline.stages[0])
    with pytest.raises(RuntimeError, match="webhook down"):
        service.move_lead(lead.id, stage_id=pipeline.stages[1].id, version=lead.version,
                          user=member)


class Veto:
    @hookimpl
    def kanban_lead_move_veto(self, lead, to_stage, user):
        if to_stage.is_proposal and not lead.value:
            return "Add a value before moving to Proposal"
        return None


def test_move_veto_refuses_with_the_plugins_words(register_plugin, member_client, pipeline):
    register_plugin(Veto())
    lead = LeadFactory(stage=pipeline.stages[0], value=None)
    response = member_client.post(f"/api/v1/leads/{lead.id}/move", json={
        "stage_id": pipeline.stages[2].id, "version": lead.version})
    assert response.status_code == 422
    assert response.json["error"]["message"] == "Add a value before moving to Proposal"
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).stage_id == pipeline.stages[0].id


class KeepsProposal:
    @hookimpl
    def kanban_stage_delete_veto(self, stage):
        return "Proposals are counted from this stage." if stage.is_proposal else None


def test_a_plugin_can_keep_a_stage_from_being_deleted(register_plugin, pipeline):
    from kanban.errors import ValidationError
    from kanban.services.pipelines import delete_stage

    register_plugin(KeepsProposal())
    proposal = next(stage for stage in pipeline.stages if stage.is_proposal)
    with pytest.raises(ValidationError) as refused:
        delete_stage(proposal)
    assert refused.value.message == "Proposals are counted from this stage."
    assert db.session.get(type(proposal), proposal.id) is not None


def test_a_plugin_that_keeps_a_stage_keeps_its_pipeline_too(register_plugin, pipeline):
    from kanban.errors import ValidationError
    from kanban.models import Pipeline
    from kanban.services.pipelines import delete_pipeline

    register_plugin(KeepsProposal())
    with pytest.raises(ValidationError) as refused:
        delete_pipeline(pipeline)
    assert refused.value.message == ("The stage Proposal cannot be deleted. "
                                     "Proposals are counted from this stage.")
    assert db.session.get(Pipeline, pipeline.id) is not None


def test_a_pipeline_whose_stages_no_plugin_keeps_is_deleted(register_plugin):
    from kanban.models import Pipeline
    from kanban.services.pipelines import delete_pipeline

    register_plugin(KeepsProposal())
    plain = PipelineFactory(name="Support", stages=["Open", "Answered"])
    delete_pipeline(plain)
    assert db.session.get(Pipeline, plain.id) is None


def test_core_finds_a_duplicate_by_email_or_phone_digits(pipeline):
    by_email = LeadFactory(stage=pipeline.stages[0], email="maria@padaria.example")
    by_phone = LeadFactory(stage=pipeline.stages[0], email="", phone="+351 912 345 678")
    find = get_hook("kanban_lead_find_duplicate")
    assert find(email="MARIA@padaria.example", phone=None, since=None, open_only=True) == by_email
    assert find(email=None, phone="912-345-678", since=None, open_only=True) == by_phone
    assert find(email="other@x.example", phone="", since=None, open_only=True) is None


class PreferredDuplicate:
    def __init__(self, lead_id):
        self.lead_id = lead_id

    @hookimpl
    def kanban_lead_find_duplicate(self, email, phone, since, open_only):
        return db.session.get(Lead, self.lead_id)


def test_plugin_duplicate_answer_comes_before_the_cores(register_plugin, pipeline):
    ours = LeadFactory(stage=pipeline.stages[0], email="a@b.example")
    theirs = LeadFactory(stage=pipeline.stages[0], email="z@z.example")
    register_plugin(PreferredDuplicate(theirs.id))
    found = get_hook("kanban_lead_find_duplicate")(email="a@b.example", phone=None, since=None,
                                                   open_only=True)
    assert found == theirs != ours


def test_slot_for_a_hook_that_does_not_exist_fails_loudly(app):
    with pytest.raises(PluginError, match="kanban_ui_card_badgez"):
        collect("kanban_ui_card_badgez", leads=[], user=None)


HOOKSPEC_ADDING_PLUGIN = '''
import sys

import pluggy
from kanban import hookimpl

spec = pluggy.HookspecMarker("kanban")

@spec(firstresult=True)
def kanban_acme_score(lead):
    """Return a score for a lead (called by the acme plugin)."""

@hookimpl
def kanban_add_hookspecs(pm):
    pm.add_hookspecs(sys.modules[__name__])
'''


def test_plugin_adds_its_own_hook_specs_for_other_plugins(installed, app_config, pipeline):
    installed("acme_specs", HOOKSPEC_ADDING_PLUGIN)
    application = make_app(app_config, PLUGINS=["acme_specs"])

    class Scorer:
        @hookimpl
        def kanban_acme_score(self, lead):
            return 42

    pm = application.extensions["kanban_plugins"]
    pm.register(Scorer())
    pm.check_pending()
    assert pm.hook.kanban_acme_score(lead=None) == 42


def test_export_formats_are_collected_from_plugins(register_plugin, app):
    from kanban.ui import ExportFormat

    class Toy:
        @hookimpl
        def kanban_register_export_formats(self):
            return [ExportFormat("toy", "Toy", "toy", "text/plain",
                                 lambda header, rows, options: iter(["x"]))]

    register_plugin(Toy())
    assert [f.key for f in collect("kanban_register_export_formats")][-1:] == ["toy"]


def test_board_toolbar_and_lead_panel_slots_collect_plugin_items(register_plugin, app, member,
                                                                 pipeline):
    from markupsafe import Markup

    from kanban.ui import ToolbarItem

    class Ui:
        @hookimpl
        def kanban_ui_board_toolbar(self, pipeline, user, filters):
            return [ToolbarItem("Export", "/export?" + "&".join(f"{k}={v}"
                                                                 for k, v in filters.items()))]

        @hookimpl
        def kanban_ui_lead_panels(self, lead, user):
            return [Markup("<p>panel for %s</p>") % lead.title]

    register_plugin(Ui())
    lead = LeadFactory(stage=pipeline.stages[0], title="<b>x</b>")
    toolbar = collect("kanban_ui_board_toolbar", pipeline=pipeline, user=member,
                      filters={"tag": "vip"})
    panels = collect("kanban_ui_lead_panels", lead=lead, user=member)
    assert toolbar[0].url == "/export?tag=vip"
    assert str(panels[0]) == "<p>panel for &lt;b&gt;x&lt;/b&gt;</p>"


def test_plugin_translations_are_merged_with_the_cores(installed, app_config, tmp_path):
    catalog_dir = tmp_path / "acme_translations"
    (catalog_dir / "pt" / "LC_MESSAGES").mkdir(parents=True)
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="pt")
    catalog.add("Acme marketplace", "Mercado Acme")
    with open(catalog_dir / "pt" / "LC_MESSAGES" / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    installed("acme_i18n", f'''
        from kanban import hookimpl

        @hookimpl
        def kanban_register_translations():
            return {str(catalog_dir)!r}
    ''')
    application = make_app(app_config, PLUGINS=["acme_i18n"])
    from flask_babel import force_locale, gettext

    with application.test_request_context(), force_locale("pt"):
        assert gettext("Acme marketplace") == "Mercado Acme"


def test_plugin_migrations_join_the_cores(installed, app_config, tmp_path):
    versions = tmp_path / "acme_versions"
    versions.mkdir()
    (versions / "0001_acme.py").write_text(textwrap.dedent('''
        from alembic import op
        import sqlalchemy as sa

        revision = "acme_0001"
        down_revision = None
        branch_labels = ("acme",)
        depends_on = "0001_core"

        def upgrade():
            op.create_table("acme_links", sa.Column("id", sa.Integer, primary_key=True))

        def downgrade():
            op.drop_table("acme_links")
    '''))
    installed("acme_migrations", f'''
        from kanban import hookimpl

        @hookimpl
        def kanban_register_migrations():
            return {str(versions)!r}
    ''')
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    application = create_app({**app_config, "PLUGINS": ["acme_migrations"],
                              "SQLALCHEMY_DATABASE_URI": url})
    result = application.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with application.app_context():
        tables = set(db.inspect(db.engine).get_table_names())
    assert {"acme_links", "leads", "users"} <= tables


def test_lead_created_hook_sees_the_committed_lead(register_plugin, member, pipeline, app):
    seen = []

    class Checker:
        @hookimpl
        def kanban_lead_created(self, lead, source, user):
            # A fresh connection sees the lead: the hook runs after commit.
            with db.engine.connect() as connection:
                seen.append(connection.execute(select(Lead.id).where(Lead.id == lead.id))
                            .scalar())

    register_plugin(Checker())
    lead = service.create_lead({"title": "After commit"}, user=member)
    assert seen == [lead.id]


def test_meta_every_hook_spec_is_documented():
    from kanban import hookspecs

    names = [name for name in dir(hookspecs) if name.startswith("kanban_")]
    for name in names:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert "Called" in doc or "called" in doc, f"{name} does not say when it is called"
        assert "Return" in doc, f"{name} does not say what it returns"


def test_meta_every_hook_spec_is_exercised_by_a_test():
    from kanban import hookspecs

    tests_dir = Path(__file__).resolve().parent.parent
    this_file = Path(__file__).resolve()
    text = "\n".join(
        path.read_text(errors="ignore") for path in tests_dir.rglob("test_*.py")
        if path.resolve() != this_file
    ) + THIRD_PARTY_PLUGIN + HOOKSPEC_ADDING_PLUGIN + "\n".join(
        line for line in this_file.read_text().splitlines() if "def kanban_" in line
    )
    missing = [name for name in dir(hookspecs) if name.startswith("kanban_")
               and f"def {name}(" not in text]
    assert not missing, f"hooks no test implements: {missing}"


def test_meta_readme_hook_reference_matches_the_hook_specs():
    from kanban.plugins import hook_reference

    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text()
    documented = readme.split("<!-- hooks:start -->\n", 1)[1].split("<!-- hooks:end -->", 1)[0]
    assert documented.strip() == hook_reference().strip(), (
        "README's hook reference is out of date: paste `kanban plugins --reference` into it"
    )


class Around:
    """A new-style wrapper and an old-style one around the lead-created event."""

    def __init__(self):
        self.seen = []

    @hookimpl(wrapper=True)
    def kanban_lead_created(self, lead, source, user):
        self.seen.append(("before", lead.title))
        results = yield
        self.seen.append(("after", len(results)))
        return results


class OldStyleAround:
    def __init__(self):
        self.seen = []

    @hookimpl(hookwrapper=True)
    def kanban_lead_created(self, lead, source, user):
        self.seen.append("before")
        outcome = yield
        self.seen.append(("after", len(outcome.get_result())))


def listeners_of(name: str) -> int:
    from kanban.plugins import get_hook

    return sum(1 for impl in get_hook(name).get_hookimpls()
               if not (impl.wrapper or impl.hookwrapper))


class Listener:
    def __init__(self, fail=False):
        self.fail = fail
        self.heard = []

    @hookimpl
    def kanban_lead_created(self, lead, source, user):
        if self.fail:
            raise RuntimeError("the listener broke")
        self.heard.append(lead.title)
        return lead.title


def test_lifecycle_events_run_hook_wrappers_around_the_plugins(register_plugin, member,
                                                                pipeline):
    around, old, listener = Around(), OldStyleAround(), Listener()
    for plugin in (listener, around, old):
        register_plugin(plugin)
    service.create_lead({"title": "Wrapped"}, user=member)
    listeners = listeners_of("kanban_lead_created")  # the core's own too (notifications)
    assert around.seen == [("before", "Wrapped"), ("after", listeners)]
    assert old.seen == ["before", ("after", listeners)]
    assert listener.heard == ["Wrapped"]


def test_a_failing_plugin_does_not_stop_the_others_or_the_wrappers(register_plugin, member,
                                                                    pipeline, app):
    app.config["PLUGINS_STRICT"] = False
    around, broken, listener = Around(), Listener(fail=True), Listener()
    for plugin in (broken, listener, around):
        register_plugin(plugin)
    service.create_lead({"title": "Still heard"}, user=member)
    assert listener.heard == ["Still heard"]
    # Every listener's result reached the wrapper, except the broken one's.
    assert around.seen == [("before", "Still heard"),
                           ("after", listeners_of("kanban_lead_created") - 1)]
