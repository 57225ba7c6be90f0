"""`kanban mail serve` as a person runs it: copy the dropbox address from the profile,
BCC it on a real SMTP message, and the email is on a new card."""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kanban.extensions import db
from kanban.models import Activity, Lead
from tests.conftest import log_in
from tests.email_bcc.conftest import DOMAIN, build_mail

KANBAN = str(Path(sys.executable).with_name("kanban"))


@pytest.fixture
def backend():
    """The server process shares the test's SQLite file."""
    return "sqlite"


@pytest.fixture
def serve_env(app, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "KANBAN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KANBAN_INSTANCE_PATH": str(tmp_path / "instance"),
        "KANBAN_SECRET_KEY": "test-secret",
        "KANBAN_PLUGINS": json.dumps(["email_bcc"]),
        "KANBAN_EMAIL_BCC_DOMAIN": DOMAIN,
    }


@pytest.fixture
def served(serve_env):
    env = serve_env
    process = subprocess.Popen([KANBAN, "mail", "serve", "--host", "127.0.0.1", "--port", "0"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    line = process.stdout.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)", line)
    if found is None:
        process.kill()
        pytest.fail(f"kanban mail serve did not start: {line}{process.stdout.read()}")
    yield process, int(found.group(1))
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def test_a_bcc_sent_to_the_running_server_lands_on_a_new_card(app, seller, served, sales):
    process, port = served
    profile = log_in(app.test_client(), seller).get("/profile").get_data(as_text=True)
    address = re.search(r'id="email-bcc-address"[^>]*>([^<]+)<', profile).group(1)

    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        refused = client.sendmail("sam@acme.test", ["paula@prospect.example", address],
                                  build_mail(subject="Proposal for Paula"))

    assert list(refused) == ["paula@prospect.example"]
    db.session.expire_all()
    lead = db.session.scalars(select(Lead)).one()
    assert lead.title == "Proposal for Paula" and lead.owner_id == seller.id
    assert db.session.scalars(select(Activity).where(Activity.kind == "email")).one().lead_id \
        == lead.id
    board = log_in(app.test_client(), seller).get("/board").get_data(as_text=True)
    assert "Proposal for Paula" in board and "✉ 1" in board


def test_the_server_stops_cleanly_on_sigterm(served):
    process, _ = served

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    assert "Stopped receiving mail." in process.stdout.read()


def test_a_port_already_in_use_is_said_in_one_sentence_naming_it(serve_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        done = subprocess.run([KANBAN, "mail", "serve", "--host", "127.0.0.1", "--port",
                               str(port)], env=serve_env, capture_output=True, text=True,
                              timeout=60)

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (f"Error: Cannot receive mail on 127.0.0.1:{port}: another program "
                           "already listens there (another kanban mail serve?). Stop it, or "
                           "choose another --port.\n")


def test_a_port_already_in_use_is_said_in_the_teams_language(serve_env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        done = subprocess.run([KANBAN, "mail", "serve", "--host", "127.0.0.1", "--port",
                               str(port)], env={**serve_env, "KANBAN_LANGUAGE": "pt"},
                              capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    assert f"127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
    assert "Não é possível receber correio" in done.stderr


def test_the_server_says_where_it_receives_mail_in_the_teams_language(serve_env):
    process = subprocess.Popen([KANBAN, "mail", "serve", "--host", "127.0.0.1", "--port", "0"],
                               env={**serve_env, "KANBAN_LANGUAGE": "ru"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        last = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert re.fullmatch(r"Приём почты \(SMTP\) на 127\.0\.0\.1:\d+ \(Ctrl\+C — остановить\)\n",
                        line), line
    assert last == "Приём почты остановлен.\n"
