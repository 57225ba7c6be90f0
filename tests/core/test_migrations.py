"""The database schema comes from migrations that match the models, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from kanban.app import create_app
from kanban.extensions import db
from tests.conftest import BUILTIN_PLUGINS


def migrated_app(app_config, url, plugins):
    application = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "PLUGINS": plugins})
    return application


def add_sales_pipeline(connection) -> None:
    """The pipeline "Sales" (id 1) with its stage "New" (id 1), written as an old release did."""
    connection.execute(text("INSERT INTO pipelines (name, position, created_at) "
                            "VALUES ('Sales', 0, '2026-01-01 09:00:00+00')"))
    connection.execute(text("INSERT INTO stages (pipeline_id, name, position, is_proposal) "
                            "VALUES (1, 'New', 0, false)"))


def upgrade(application, revision="heads"):
    result = application.test_cli_runner().invoke(args=["db", "upgrade", "--revision", revision])
    assert result.exit_code == 0, result.output + repr(result.exception)


def test_a_database_just_upgraded_is_current_for_the_health_check(app_config, empty_database):
    """A plugin branch may depend on a core revision; Alembic then keeps only the plugin's
    head in its table, and the check must still see the core's revision as applied."""
    from kanban.services.health import migrations_problem

    application = migrated_app(app_config, empty_database, BUILTIN_PLUGINS)
    with application.app_context():
        assert migrations_problem() == "the database schema is behind: run `kanban db upgrade`"
    upgrade(application)
    with application.app_context():
        assert migrations_problem() is None
        db.engine.dispose()


def test_upgrade_from_nothing_builds_the_schema_the_models_describe(app_config, empty_database):
    application = migrated_app(app_config, empty_database, BUILTIN_PLUGINS)
    upgrade(application)
    with application.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            diff for diff in compare_metadata(context, db.metadata)
            if not (diff[0] == "remove_table" and diff[1].name == "alembic_version")
        ]
    with application.app_context():
        db.engine.dispose()
    assert differences == []


def test_older_database_is_upgraded_keeping_its_leads(app_config, empty_database):
    core_only = migrated_app(app_config, empty_database, [])
    upgrade(core_only, "0001_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        add_sales_pipeline(connection)
        connection.execute(text(
            "INSERT INTO leads (title, currency, contact_name, company, email, phone, source, "
            "priority, description, custom_fields, stage_id, rank, status, lost_reason, "
            "next_action_kind, next_action_text, created_at, updated_at, version) VALUES "
            "('Kept', 'EUR', '', '', '', '', 'manual', 1, '', '{}', 1, 'a0', 'open', '', "
            "'todo', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"))
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM leads")).scalar() == "Kept"
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"users", "pipelines", "stages", "leads", "activities", "api_tokens"} <= tables
    assert len(tables) > 8, "the plugins' branches added their tables"


def test_upgrading_twice_changes_nothing(app_config, empty_database):
    application = migrated_app(app_config, empty_database, BUILTIN_PLUGINS)
    upgrade(application)
    upgrade(application)


def test_upgrade_turns_old_priorities_into_1_to_3_and_finds_each_leads_last_touch(
    app_config, empty_database
):
    core_only = migrated_app(app_config, empty_database, [])
    upgrade(core_only, "0002_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        add_sales_pipeline(connection)
        for rank, priority in (("a0", 2), ("a1", 1), ("a2", 0)):
            connection.execute(text(
                "INSERT INTO leads (title, currency, contact_name, company, email, phone, "
                "source, priority, description, custom_fields, stage_id, rank, status, "
                "lost_reason, next_action_kind, next_action_text, created_at, updated_at, "
                "version) VALUES (:title, 'EUR', '', '', '', '', 'manual', :priority, '', '{}', "
                "1, :rank, 'open', '', 'todo', '', '2026-01-01 09:00:00+00', "
                "'2026-01-01 09:00:00+00', 1)"), {"title": rank, "priority": priority,
                                                    "rank": rank})
        connection.execute(text(
            "INSERT INTO activities (lead_id, kind, body, payload, created_at) VALUES "
            "(1, 'call', 'Called', '{}', '2026-03-05 10:00:00+00'), "
            "(1, 'edit', '', '{}', '2026-04-01 10:00:00+00')"))
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT title, priority, touched_at, starred FROM leads ORDER BY title")).all()
        activities = connection.execute(text("SELECT COUNT(*) FROM activities")).scalar()
    engine.dispose()
    assert activities == 2, "the timelines survive the leads table being rebuilt"
    assert [(title, priority) for title, priority, *_rest in rows] == [
        ("a0", 1), ("a1", 2), ("a2", 3)]
    touched = [str(row[2]) for row in rows]
    assert touched[0].startswith("2026-03-05 10:00:00")  # the call, not the later edit
    assert touched[1].startswith("2026-01-01 09:00:00")  # no touch yet: its creation
    assert not any(row[3] for row in rows)


def test_upgrade_fills_the_search_text_of_existing_leads_and_folders(app_config, empty_database):
    core_only = migrated_app(app_config, empty_database, [])
    upgrade(core_only, "0004_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        add_sales_pipeline(connection)
        connection.execute(text("INSERT INTO clients (name, notes, created_at) "
                                "VALUES ('ООО ВОЛГА', '', '2026-01-01 09:00:00+00')"))
        for rank, title, company in (("a0", "Ñandú", "CAFÉ Lda"), ("a1", "ΑΘΗΝΑ", "")):
            connection.execute(text(
                "INSERT INTO leads (title, currency, contact_name, company, email, phone, "
                "source, priority, description, custom_fields, stage_id, rank, status, "
                "lost_reason, next_action_kind, next_action_text, created_at, updated_at, "
                "touched_at, version, starred) VALUES (:title, 'EUR', 'Пётр', :company, "
                "'P@X.example', '', 'manual', 1, '', '{}', 1, :rank, 'open', '', 'todo', '', "
                "'2026-01-01 09:00:00+00', '2026-01-01 09:00:00+00', "
                "'2026-01-01 09:00:00+00', 1, false)"),
                {"title": title, "company": company, "rank": rank})
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        leads = connection.execute(text("SELECT search_text FROM leads ORDER BY rank")).scalars()
        folders = connection.execute(text("SELECT search_text FROM clients")).scalars().all()
        leads = list(leads)
    engine.dispose()
    assert leads == ["nandu\ncafe lda\nпетр\np@x.example\n", "αθηνα\n\nпетр\np@x.example\n"]
    assert folders == ["ооо волга"]


def test_sqlite_never_reuses_the_ids_of_idempotency_keys_and_used_form_tokens(
    app_config, empty_database, backend
):
    if backend != "sqlite":
        pytest.skip("PostgreSQL sequences never reuse ids")
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        for table in ("idempotency_keys", "webform_used_tokens"):
            sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"),
                                     {"t": table}).scalar()
            assert "AUTOINCREMENT" in sql, table
    engine.dispose()


def insert_lead_with_phone(connection, rank: str, phone: str, **columns: str) -> None:
    """A lead as an older schema stores it (``columns``: what that schema has beside)."""
    names = "".join(f", {name}" for name in columns)
    values = "".join(f", :{name}" for name in columns)
    connection.execute(text(
        "INSERT INTO leads (title, currency, contact_name, company, email, phone, "
        "source, priority, description, custom_fields, stage_id, rank, status, "
        "lost_reason, next_action_kind, next_action_text, created_at, updated_at, "
        f"touched_at, version, starred, search_text{names}) VALUES ('Lead', 'EUR', '', '', "
        "'', :phone, 'manual', 1, '', '{}', 1, :rank, 'open', '', 'todo', '', "
        "'2026-01-01 09:00:00+00', '2026-01-01 09:00:00+00', "
        f"'2026-01-01 09:00:00+00', 1, false, ''{values})"),
        {"phone": phone, "rank": rank, **columns})


def phone_keys_after_upgrade(app_config, url: str, start: str, phones: list[str],
                             key_digits: int = 0) -> list[str]:
    """Upgrade a database at ``start`` holding leads with these phones (``key_digits``: with
    the keys of that many last digits that schema gave them); their keys after."""
    upgrade(migrated_app(app_config, url, []), start)
    engine = create_engine(url)
    with engine.begin() as connection:
        add_sales_pipeline(connection)
        for rank, phone in enumerate(phones):
            digits = "".join(c for c in phone if c.isdigit())
            old_key = ({"phone_key": digits[-key_digits:] if len(digits) >= 6 else ""}
                       if key_digits else {})
            insert_lead_with_phone(connection, f"a{rank}", phone, **old_key)
    upgrade(migrated_app(app_config, url, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        keys = list(connection.execute(text("SELECT phone_key FROM leads ORDER BY rank"))
                    .scalars())
    engine.dispose()
    return keys


def test_upgrade_keys_the_phones_of_existing_leads(app_config, empty_database):
    keys = phone_keys_after_upgrade(app_config, empty_database, "0007_core",
                                    ["(912) 345 678", "+351 21 000 1111", "112"])
    assert keys == ["912345678", "1210001111", ""]


def test_upgrade_keys_again_the_phones_of_more_than_nine_digits(app_config, empty_database):
    keys = phone_keys_after_upgrade(
        app_config, empty_database, "0013_core",
        ["+7 912 345-67-89", "8 (812) 345-67-89", "912 345 678", "345 678", ""], key_digits=9)
    assert keys == ["9123456789", "8123456789", "912345678", "345678", ""]


def test_upgrade_keys_again_a_phone_of_two_numbers_by_the_first(app_config, empty_database):
    keys = phone_keys_after_upgrade(
        app_config, empty_database, "0014_core",
        ["+39 02 1234567 / 333 1234567", "912 345 678; 961 111 222", "912/345/678",
         "+351 912 345 678"], key_digits=10)
    assert keys == ["9021234567", "912345678", "912345678", "1912345678"]


def test_upgrade_keeps_the_digits_of_every_number_of_a_phone_for_search(
    app_config, empty_database
):
    upgrade(migrated_app(app_config, empty_database, []), "0015_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        add_sales_pipeline(connection)
        for rank, phone in enumerate(["+39 02 1234567 / 333 1234567", "(912) 345 678", ""]):
            insert_lead_with_phone(connection, f"a{rank}", phone)
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        digits = list(connection.execute(
            text("SELECT phone_search_digits FROM leads ORDER BY rank")).scalars())
    engine.dispose()
    assert digits == ["39021234567 3331234567", "912345678", ""]


def test_upgrade_gives_existing_stages_a_win_probability_by_their_place(
    app_config, empty_database
):
    core_only = migrated_app(app_config, empty_database, [])
    upgrade(core_only, "0009_core")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        add_sales_pipeline(connection)
        for position, name in enumerate(("Called", "Met", "Quoted", "Closing", "Signed"), 1):
            connection.execute(text(
                "INSERT INTO stages (pipeline_id, name, position, is_proposal) "
                "VALUES (1, :name, :position, false)"), {"name": name, "position": position})
    upgrade(migrated_app(app_config, empty_database, BUILTIN_PLUGINS))
    with engine.connect() as connection:
        percents = connection.execute(text(
            "SELECT win_probability FROM stages ORDER BY position")).scalars().all()
        views = connection.execute(text("SELECT COUNT(*) FROM saved_views")).scalar()
    engine.dispose()
    assert percents == [10, 30, 50, 70, 90, 90]
    assert views == 0
