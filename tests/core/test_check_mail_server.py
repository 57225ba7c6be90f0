"""`kanban check` greets the outgoing mail server (KANBAN_SMTP_URL) as a notification would,
sends nothing, and names what is wrong in plain words."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from kanban.migrating import schema_commands
from tests.smtp_server import PASSWORD, USER, free_port


@pytest.fixture
def ready(app):
    schema_commands().stamp(revision="heads")
    app.config.update(SECRET_KEY="k" * 48, PUBLIC_URL="https://crm.example.com")
    return app


def run_check(app):
    return app.test_cli_runner().invoke(args=["check"])


def test_a_mail_server_that_answers_passes_and_receives_nothing(ready, inbox):
    box, url = inbox
    ready.config["SMTP_URL"] = url

    result = run_check(ready)

    assert result.exit_code == 0
    assert result.output.strip() == "The configuration looks right."
    assert box.messages == []


def test_a_closed_port_is_an_error_naming_the_server(ready):
    port = free_port()  # nothing listens there
    ready.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"

    result = run_check(ready)

    assert result.exit_code == 1
    assert (f"ERROR: The mail server 127.0.0.1:{port} cannot be reached (Connection refused): "
            "check the host and port in KANBAN_SMTP_URL") in result.output


def test_a_login_and_starttls_that_work_pass(ready, tls_inbox):
    box, port, cert = tls_inbox
    ready.config.update(SMTP_URL=f"smtp+starttls://{quote(USER)}:{quote(PASSWORD)}"
                                 f"@localhost:{port}", SMTP_CA_FILE=str(cert))

    result = run_check(ready)

    assert result.exit_code == 0, result.output
    assert box.messages == []


def test_a_refused_login_is_an_error(ready, tls_inbox):
    _box, port, cert = tls_inbox
    ready.config.update(SMTP_URL=f"smtp+starttls://{quote(USER)}:wrong@localhost:{port}",
                        SMTP_CA_FILE=str(cert))

    result = run_check(ready)

    assert result.exit_code == 1
    assert (f"ERROR: The mail server localhost:{port} refused the login of {USER} (535): "
            "check the user and password in KANBAN_SMTP_URL.") in result.output


def test_a_private_certificate_not_trusted_is_an_error(ready, tls_inbox):
    _box, port, _cert = tls_inbox
    ready.config["SMTP_URL"] = f"smtp+starttls://{quote(USER)}:x@localhost:{port}"

    result = run_check(ready)

    assert result.exit_code == 1
    assert "no encrypted connection could be made" in result.output
    assert "KANBAN_SMTP_CA_FILE" in result.output


def test_starttls_asked_of_a_server_without_it_is_an_error(ready, inbox):
    _box, url = inbox
    ready.config["SMTP_URL"] = url.replace("smtp://", "smtp+starttls://")

    result = run_check(ready)

    assert result.exit_code == 1
    assert "ERROR: The mail server 127.0.0.1:" in result.output
    assert "STARTTLS" in result.output
