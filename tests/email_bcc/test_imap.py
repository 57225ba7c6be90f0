"""IMAP polling against a real Dovecot started for the test on a free loopback port."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import kanban_email_bcc.imap as imap_module
import kanban_email_bcc.ingest as ingest_module
import pytest
from kanban_email_bcc.imap import ImapSettings, fetch_mailbox
from kanban_email_bcc.models import ImapCheckpoint
from sqlalchemy import func, select

from kanban import jobs
from kanban.extensions import db
from kanban.models import Activity, Job
from tests.email_bcc.conftest import build_mail
from tests.jobs.conftest import wait_until_finished

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
REQUIRED = os.environ.get("KANBAN_TEST_REQUIRE_IMAP") == "1" or bool(os.environ.get("CI"))
PASSWORD = "imap-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dovecot_config(root: Path, run: Path, port: int) -> str:
    if os.geteuid() == 0:
        # Dovecot never gives mail access to root: the mail belongs to its own user,
        # inside a chroot so that the user needs no access to the folders above it.
        user = pwd.getpwnam("dovecot")
        home = root / "box" / "home"
        (home / "crm").mkdir(parents=True)
        for path in (home, home / "crm"):
            os.chown(path, user.pw_uid, user.pw_gid)
        userdb = f"uid={user.pw_uid} gid={user.pw_gid} home={root}/box/./home/%u"
        extra = f"valid_chroot_dirs = {root}/box\nfirst_valid_uid = {user.pw_uid}\n"
    else:
        me = pwd.getpwuid(os.getuid())
        userdb = f"uid={me.pw_uid} gid={me.pw_gid} home={root}/home/%u"
        extra = (f"default_login_user = {me.pw_name}\ndefault_internal_user = {me.pw_name}\n"
                 f"first_valid_uid = {me.pw_uid}\n")
    return f"""
base_dir = {run}
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
{extra}
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = {userdb}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot(tmp_path):
    if not Path(DOVECOT).exists():
        message = "Dovecot is not installed (apt-get install dovecot-imapd)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path / "dovecot"
    root.mkdir()
    port = free_port()
    # Unix socket paths are short (108 bytes): the runtime folder cannot live in tmp_path.
    run = Path(tempfile.mkdtemp(prefix="kbdv-"))
    config = root / "dovecot.conf"
    config.write_text(dovecot_config(root, run, port))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            shutil.rmtree(run, ignore_errors=True)
            pytest.fail(f"Dovecot did not start: {process.stdout.read().decode()}")
        time.sleep(0.1)
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(run, ignore_errors=True)


@pytest.fixture
def settings(dovecot) -> ImapSettings:
    return ImapSettings(host="127.0.0.1", port=dovecot, user="crm", password=PASSWORD,
                        ssl=False)


def deliver(settings: ImapSettings, *messages: bytes, mailbox: str = "INBOX") -> None:
    client = imaplib.IMAP4(settings.host, settings.port)
    client.login(settings.user, settings.password)
    for raw in messages:
        client.append(mailbox, None, None, raw)
    client.logout()


def mailbox_state(settings: ImapSettings, mailbox: str = "INBOX") -> tuple[int, int]:
    """Return (messages, unseen messages) in the mailbox."""
    client = imaplib.IMAP4(settings.host, settings.port)
    client.login(settings.user, settings.password)
    client.select(f'"{mailbox}"', readonly=True)
    total = len(client.search(None, "ALL")[1][0].split())
    unseen = len(client.search(None, "UNSEEN")[1][0].split())
    client.logout()
    return total, unseen


def emails() -> int:
    return db.session.scalar(select(func.count()).select_from(Activity)
                             .where(Activity.kind == "email"))


def addressed(address: str, n: int) -> bytes:
    return f"Delivered-To: {address}\r\n".encode() + build_mail(
        message_id=f"<imap-{n}@acme.test>", subject=f"Message {n}"
    )


def test_fetch_stores_new_messages_and_marks_them_seen(settings, address):
    deliver(settings, addressed(address, 1), addressed(address, 2))

    report = fetch_mailbox(settings)

    assert report.outcomes == {"stored": 2} and report.last_uid == 2
    assert emails() == 2
    assert mailbox_state(settings) == (2, 0)


def test_second_fetch_takes_only_what_arrived_since(settings, address):
    deliver(settings, addressed(address, 1))
    fetch_mailbox(settings)
    deliver(settings, addressed(address, 2))

    report = fetch_mailbox(settings)

    assert report.outcomes == {"stored": 1} and emails() == 2


def test_fetch_can_move_stored_messages_to_another_mailbox(settings, address):
    client = imaplib.IMAP4(settings.host, settings.port)
    client.login(settings.user, settings.password)
    client.create('"Stored"')
    client.logout()
    deliver(settings, addressed(address, 1))
    settings.move_to = "Stored"

    fetch_mailbox(settings)

    assert mailbox_state(settings) == (0, 0)
    assert mailbox_state(settings, "Stored")[0] == 1


def test_fetch_resumes_after_a_crash_without_losing_or_doubling(settings, address,
                                                                monkeypatch):
    deliver(settings, *(addressed(address, n) for n in (1, 2, 3)))
    real_mark = imap_module._mark_done

    def crash_on_second(imap, uid, *args):
        if uid == 2:
            raise ConnectionError("the poller died")
        real_mark(imap, uid, *args)

    monkeypatch.setattr(imap_module, "_mark_done", crash_on_second)
    with pytest.raises(ConnectionError):
        fetch_mailbox(settings)
    monkeypatch.setattr(imap_module, "_mark_done", real_mark)

    report = fetch_mailbox(settings)

    assert report.outcomes == {"duplicate": 1, "stored": 1}
    assert emails() == 3
    assert mailbox_state(settings) == (3, 0)


def test_storage_failure_stops_polling_and_the_next_run_retries(settings, address,
                                                               monkeypatch, runner):
    deliver(settings, addressed(address, 1), addressed(address, 2))

    def fail(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(ingest_module, "store_message", fail)
    failed = fetch_mailbox(settings)
    monkeypatch.undo()

    assert failed.stopped_on_failure and failed.last_uid == 0
    assert mailbox_state(settings) == (2, 2)
    result = runner.invoke(args=["mail", "fetch", "--host", "127.0.0.1", "--port",
                                 str(settings.port), "--user", "crm", "--password", PASSWORD,
                                 "--no-ssl"])
    assert result.exit_code == 0 and "(stored: 2)" in result.output
    assert emails() == 2


def test_an_imap_server_out_of_reach_is_said_in_one_sentence(runner):
    from tests.smtp_server import free_port

    result = runner.invoke(args=["mail", "fetch", "--host", "127.0.0.1", "--port",
                                 str(free_port()), "--user", "crm", "--password", "x",
                                 "--no-ssl"])
    assert result.exit_code == 75  # EX_TEMPFAIL: cron's next run tries again
    assert "did not let us in" in result.output
    assert "nothing was fetched, the next run tries again." in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_wrong_imap_password_is_said_in_one_sentence(settings, runner):
    result = runner.invoke(args=["mail", "fetch", "--host", "127.0.0.1", "--port",
                                 str(settings.port), "--user", "crm", "--password", "wrong",
                                 "--no-ssl"])
    assert result.exit_code == 75
    assert "did not let us in" in result.output


def test_new_uidvalidity_starts_over_and_dedupe_keeps_it_harmless(settings, address):
    deliver(settings, addressed(address, 1))
    fetch_mailbox(settings)
    checkpoint = db.session.scalars(select(ImapCheckpoint)).one()
    checkpoint.uidvalidity, checkpoint.last_uid = 1, 99
    db.session.commit()

    report = fetch_mailbox(settings)

    assert report.outcomes == {"duplicate": 1} and emails() == 1


def configure_mailbox(app, settings: ImapSettings) -> None:
    app.config.update(EMAIL_BCC_IMAP_HOST=settings.host, EMAIL_BCC_IMAP_PORT=settings.port,
                      EMAIL_BCC_IMAP_USER=settings.user,
                      EMAIL_BCC_IMAP_PASSWORD=settings.password, EMAIL_BCC_IMAP_SSL=False)


def test_a_poll_runs_as_a_job_from_the_command_line(app, settings, address, runner):
    configure_mailbox(app, settings)
    deliver(settings, addressed(address, 1), addressed(address, 2))
    result = runner.invoke(args=["jobs", "start", "mail.poll"])
    assert result.exit_code == 0, result.output
    assert "(mail.poll): Done. New messages read: 2" in result.output
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.result["outcomes"]) == ("mail.poll", "done", {"stored": 2})
    assert emails() == 2


def test_a_poll_whose_server_is_away_is_tried_again_later(app, settings, address):
    configure_mailbox(app, settings)
    app.config["EMAIL_BCC_IMAP_PORT"] = free_port()  # nothing listens there
    job = jobs.start("mail.poll", user=None)
    job = wait_until_finished(job.id, seconds=10, until=("retrying", "failed", "done"))
    assert job.status == "retrying" and "ConnectionRefusedError" in job.error
    assert job.not_before > job.started_at  # the next try waits a minute
