"""`kanban check`: one line per problem; only errors make the exit code non-zero."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from kanban.app import create_app
from kanban.migrating import schema_commands
from tests.conftest import PG_URL
from tests.smtp_server import free_port

GOOD_KEY = "k" * 48


@pytest.fixture
def ready(app):
    schema_commands().stamp(revision="heads")
    app.config["SECRET_KEY"] = GOOD_KEY
    return app


def run_check(app):
    return app.test_cli_runner().invoke(args=["check"])


def test_good_configuration_passes(ready):
    result = run_check(ready)

    assert result.exit_code == 0
    assert result.output.strip() == "The configuration looks right."


@pytest.mark.parametrize("key", ["dev", "change-me", "short-but-random-x9"])
def test_weak_secret_key_is_an_error(ready, key):
    ready.config["SECRET_KEY"] = key

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: SECRET_KEY" in result.output


@pytest.mark.parametrize("key", [
    '<output of: python3 -c "import secrets; print(secrets.token_urlsafe(48))">',
    "<a long random value, at least 32 characters>",
    'output of: python3 -c "import secrets; print(secrets.token_urlsafe(48))"',
])
def test_a_placeholder_secret_key_counts_as_not_set(ready, key):
    ready.config["SECRET_KEY"] = key

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: SECRET_KEY is not set: KANBAN_SECRET_KEY holds an instruction" in result.output


def test_missing_secret_key_is_an_error(ready):
    ready.config["SECRET_KEY"] = ""

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: SECRET_KEY is not set" in result.output


def test_unreachable_database_is_an_error(app_config, backend, tmp_path):
    url = ("postgresql+psycopg://postgres@127.0.0.1:1/kanban" if backend == "postgresql"
           else f"sqlite:///{tmp_path / 'no-such-folder' / 'kanban.db'}")
    down = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": GOOD_KEY})

    result = run_check(down)

    assert result.exit_code == 1
    assert "ERROR: The database cannot be reached" in result.output


@pytest.fixture
def app_on_postgresql(request, tmp_path, monkeypatch):
    """An application on the test's PostgreSQL server, at another database or port."""
    if not PG_URL:
        pytest.skip("needs KANBAN_TEST_DATABASE_URL")
    monkeypatch.setenv("KANBAN_INSTANCE_PATH", str(tmp_path / "instance"))
    server = make_url(request.getfixturevalue("postgres_url"))

    def app_on(**parts):
        url = server.set(**parts).render_as_string(hide_password=False)
        return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": GOOD_KEY,
                           "TESTING": True, "PLUGINS": []})

    return app_on


def test_a_database_that_does_not_exist_is_named_as_postgresql_says(app_on_postgresql):
    result = run_check(app_on_postgresql(database="kanban_typo"))

    assert result.exit_code == 1
    assert "ERROR: The database cannot be reached (connection failed: " in result.output
    assert 'database "kanban_typo" does not exist): check KANBAN_DATABASE_URL' in result.output


def test_a_port_where_no_database_listens_is_named_as_postgresql_says(app_on_postgresql):
    result = run_check(app_on_postgresql(port=free_port()))

    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if "database" in line]
    assert line.startswith("ERROR: The database cannot be reached (connection failed: ")
    assert "failed: Connection refused): check KANBAN_DATABASE_URL" in line


def test_migrations_behind_are_an_error(app):
    app.config["SECRET_KEY"] = GOOD_KEY
    schema_commands().stamp(revision="0001_core")

    result = run_check(app)

    assert result.exit_code == 1
    assert "kanban db upgrade" in result.output


def test_unreachable_redis_is_an_error(ready):
    ready.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: Redis cannot be reached" in result.output


def test_invalid_time_zone_is_an_error(ready):
    ready.config["TIMEZONE"] = "Mars/Olympus"

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: TIMEZONE='Mars/Olympus' is not a time zone" in result.output


def test_a_public_address_without_its_scheme_is_an_error(ready):
    ready.config["PUBLIC_URL"] = "localhost:8643/crm"

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: PUBLIC_URL='localhost:8643/crm' must start with https://" in result.output


@pytest.mark.parametrize("hops", [-1, "two", 1.5])
def test_proxy_hops_must_be_a_whole_number_of_at_least_zero(ready, hops):
    ready.config["SESSION_COOKIE_SECURE"] = True
    ready.config["PROXY_FIX_HOPS"] = hops

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: PROXY_FIX_HOPS" in result.output


def test_proxy_hops_of_one_with_secure_cookies_passes(ready):
    ready.config["PROXY_FIX_HOPS"] = 1
    ready.config["SESSION_COOKIE_SECURE"] = True

    assert run_check(ready).exit_code == 0


@pytest.mark.parametrize("setting", [{"PREFERRED_URL_SCHEME": "https"}, {"PROXY_FIX_HOPS": 1}])
def test_insecure_cookies_behind_https_are_a_warning_only(ready, setting):
    ready.config.update(setting)

    result = run_check(ready)

    assert result.exit_code == 0
    assert "WARNING: SESSION_COOKIE_SECURE is off" in result.output
    assert "No errors; the warnings are worth fixing." in result.output


def test_every_problem_gets_its_own_line(ready):
    ready.config.update(SECRET_KEY="dev", TIMEZONE="Nowhere", PROXY_FIX_HOPS=-2)

    lines = run_check(ready).output.splitlines()

    assert [line.split(":")[0] for line in lines[:3]] == ["ERROR", "ERROR", "ERROR"]


class TestMailDomain:
    @pytest.fixture
    def plugins(self):
        return ["email_bcc"]

    def test_valid_domain_passes(self, ready):
        ready.config["EMAIL_BCC_DOMAIN"] = "crm.acme.com"

        assert run_check(ready).exit_code == 0

    def test_missing_domain_is_a_warning(self, ready):
        ready.config["EMAIL_BCC_DOMAIN"] = ""

        result = run_check(ready)

        assert result.exit_code == 0
        assert "WARNING: EMAIL_BCC_DOMAIN is not set" in result.output

    def test_malformed_domain_is_an_error(self, ready):
        ready.config["EMAIL_BCC_DOMAIN"] = "crm acme"

        result = run_check(ready)

        assert result.exit_code == 1
        assert "ERROR: EMAIL_BCC_DOMAIN='crm acme' is not a mail domain" in result.output


def test_a_wrong_smtp_url_is_an_error(ready):
    ready.config["SMTP_URL"] = "mail.example.com:587"
    result = run_check(ready)
    assert result.exit_code == 1
    assert "ERROR: SMTP_URL: use smtp://, smtp+starttls:// or smtps://" in result.output


def test_mail_without_a_public_url_is_a_warning(ready, inbox):
    ready.config["SMTP_URL"] = inbox[1]
    result = run_check(ready)
    assert result.exit_code == 0
    assert "WARNING: PUBLIC_URL is not set" in result.output


def test_mail_with_a_public_url_passes(ready, inbox):
    ready.config.update(SMTP_URL=inbox[1], PUBLIC_URL="https://crm.example.com")
    assert run_check(ready).output.strip() == "The configuration looks right."
