"""Fixtures: an application per test on SQLite and (when configured) PostgreSQL,
clients logged in per role, and a way to plug a test plugin in."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from kanban.app import create_app
from kanban.extensions import db
from kanban.jobs.queue import forget_waiting_threads
from kanban.models import Role, User
from tests.compiled_once import TEMPLATE_CODE, SharedBuilderRule
from tests.factories import PipelineFactory, UserFactory

pytest_plugins = ["tests.live", "tests.smtp_server"]

PG_URL = os.environ.get("KANBAN_TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("KANBAN_TEST_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
BUILTIN_PLUGINS = ["webform", "email_bcc", "csv", "webhooks", "prospects"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test run's own, dropped at the end (the server is shared)."""
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"kanban_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(plain, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {plain} is not reachable: {exc}")
    admin.execute(f'CREATE DATABASE "{name}"')
    base = plain.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def plugins() -> list[str]:
    """Plugins loaded by the app fixture; a test folder overrides this for its plugin."""
    return []


@pytest.fixture
def app_config(backend, tmp_path, request, plugins) -> dict:
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
        # Whatever app a test builds on this database, the next test starts empty.
        request.addfinalizer(lambda: empty_postgres_database(url))
    else:
        url = f"sqlite:///{tmp_path / 'kanban.db'}"
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "PLUGINS": plugins,
        "PLUGINS_STRICT": True,
        "RATELIMIT_ENABLED": False,
        "TIMEZONE": "UTC",  # the dates written in the tests are UTC days
    }


@pytest.fixture
def empty_database(backend, tmp_path, request):
    """A database with no tables at all, of the backend under test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    import psycopg

    base_url = request.getfixturevalue("postgres_url")
    name = f"kanban_mig_{uuid.uuid4().hex[:10]}"
    plain = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield base_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class RequestClient(FlaskClient):
    """A test client whose every request starts with empty ``g``, as in production.

    Tests keep an application context open (for factories and the shared session),
    which Flask reuses for requests; without this, ``g`` (and the user Flask-Login
    caches there) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, backend, tmp_path) -> Iterator[Flask]:
    os.environ["KANBAN_INSTANCE_PATH"] = str(tmp_path / "instance")
    application = create_app(app_config)
    application.test_client_class = RequestClient
    application.url_rule_class = SharedBuilderRule  # the web side's rules are added later
    application.jinja_env.bytecode_cache = TEMPLATE_CODE
    with application.app_context():
        db.create_all()
        yield application
        forget_waiting_threads(application)  # a job's retry must not outlive its test
        db.session.remove()
        db.engine.dispose()


# Every row deleted and every id counter reset, in one round trip. A test leaves a few rows
# in a few tables: deleting them takes milliseconds, where TRUNCATE of every table makes
# new files for each and takes a third of a second. Foreign keys are not checked meanwhile
# (every table is emptied), which needs the superuser the tests' server gives.
EMPTY_EVERY_TABLE = text("""DO $$ DECLARE found record; BEGIN
    SET LOCAL session_replication_role = replica;
    SET LOCAL lock_timeout = '10s';
    FOR found IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format('DELETE FROM %I', found.tablename);
    END LOOP;
    FOR found IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
        EXECUTE format('ALTER SEQUENCE %I RESTART', found.sequencename);
    END LOOP;
END $$""")


def empty_postgres_database(url: str) -> None:
    """Remove every row (and reset ids) in the test run's PostgreSQL database."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(EMPTY_EVERY_TABLE)
    finally:
        engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def pipeline(app):
    return PipelineFactory(name="Sales", stages=["New", "Contacted", "Proposal", "Negotiation"])


def make_user(role: Role) -> User:
    return UserFactory(role=role.value, name=f"{role.value.title()} Person")


@pytest.fixture
def admin(app) -> User:
    return make_user(Role.ADMIN)


@pytest.fixture
def manager(app) -> User:
    return make_user(Role.MANAGER)


@pytest.fixture
def member(app) -> User:
    return make_user(Role.MEMBER)


def log_in(client: FlaskClient, user: User) -> FlaskClient:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def member_client(app, member) -> FlaskClient:
    return log_in(app.test_client(), member)


@pytest.fixture
def manager_client(app, manager) -> FlaskClient:
    return log_in(app.test_client(), manager)


@pytest.fixture
def admin_client(app, admin) -> FlaskClient:
    return log_in(app.test_client(), admin)


@pytest.fixture
def register_plugin(app):
    """Register a plugin object for one test; it is unregistered afterwards."""
    pm = app.extensions["kanban_plugins"]
    registered = []

    def register(plugin, name: str | None = None):
        pm.register(plugin, name=name)
        pm.check_pending()
        registered.append(plugin)
        return plugin

    yield register
    for plugin in registered:
        pm.unregister(plugin)


def pytest_sessionstart(session):
    if REQUIRE_PG and not PG_URL:
        raise pytest.UsageError("CI needs KANBAN_TEST_DATABASE_URL: PostgreSQL tests may not skip.")


DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"



def pytest_collection_modifyitems(config, items):
    """Browser tests serve the app from SQLite only: leave out their PostgreSQL copies."""
    on_postgres = [
        item for item in items
        if "live_server" in getattr(item, "fixturenames", ())
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("backend") == "postgresql"
    ]
    if on_postgres:
        config.hook.pytest_deselected(items=on_postgres)
        dropped = set(on_postgres)
        items[:] = [item for item in items if item not in dropped]
