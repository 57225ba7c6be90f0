"""``kanban check``: what in the configuration would break Kanban or weaken it.

An error stops Kanban from working safely; a warning is worth fixing but works."""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from flask_babel import gettext as _

from kanban.outages import driver_reason
from kanban.plugins import get_plugin_manager
from kanban.services.health import (
    SCHEMA_BEHIND,
    database_error,
    redis_error,
    redis_problem,
    schema_finding,
)

if TYPE_CHECKING:
    from kanban.notify.mailer import SmtpServer

ERROR = "error"
WARNING = "warning"
MIN_SECRET_KEY_LENGTH = 32
SMTP_CHECK_SECONDS = 5  # the mail server's greeting is quick; a check must not hang
KNOWN_SECRET_KEYS = {
    "dev", "development", "secret", "secret-key", "secret_key", "changeme", "change-me",
    "change_me", "please-change-me", "test", "test-secret", "kanban",
}
# An instruction left where the value belongs: "<output of: python3 -c ...>", "<your key>".
PLACEHOLDER = re.compile(r"<.*>|output of|secrets\.token", re.IGNORECASE | re.DOTALL)
DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
UNROUTABLE_DOMAINS = ("localhost", ".localhost", ".local", ".example", ".test", ".invalid")


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR or WARNING
    message: str


def secret_key_problems(app: Flask) -> list[Problem]:
    key = app.config.get("SECRET_KEY")
    if key and PLACEHOLDER.search(str(key)):
        return [Problem(ERROR, _(
            "SECRET_KEY is not set: KANBAN_SECRET_KEY holds an instruction, not a key. Put "
            "the output of python3 -c 'import secrets; print(secrets.token_urlsafe(48))' "
            "there, or remove the line to use the key generated in the instance folder."))]
    if not key:
        return [Problem(ERROR, _(
            "SECRET_KEY is not set: remove KANBAN_SECRET_KEY to use the generated one in the "
            "instance folder, or set a long random value."))]
    if str(key).strip().lower() in KNOWN_SECRET_KEYS:
        return [Problem(ERROR, _(
            "SECRET_KEY is a well-known example value: set a long random one (python -c "
            "'import secrets; print(secrets.token_hex(32))')."))]
    if len(str(key)) < MIN_SECRET_KEY_LENGTH:
        return [Problem(ERROR, _(
            "SECRET_KEY is shorter than %(count)d characters: set a long random value.",
            count=MIN_SECRET_KEY_LENGTH))]
    return []


def database_problems() -> list[Problem]:
    error = database_error()
    if error is not None:  # in the driver's words, as the commands say it
        return [Problem(ERROR, _(
            "The database cannot be reached (%(reason)s): check KANBAN_DATABASE_URL and that "
            "the database server is running.", reason=driver_reason(error)))]
    finding = schema_finding()
    if finding == SCHEMA_BEHIND:
        return [Problem(ERROR, _("The database schema is behind: run `kanban db upgrade`."))]
    if finding:
        return [Problem(ERROR, _("The schema version cannot be read (%(error)s).",
                                 error=finding))]
    return []


def redis_problems() -> list[Problem]:
    error = redis_error()
    if error:
        return [Problem(ERROR, _("Redis cannot be reached (%(error)s): check "
                                 "KANBAN_RATELIMIT_STORAGE_URI.", error=error))]
    return []


def worker_problems() -> list[Problem]:
    """With Redis, background jobs wait in its queue for a ``kanban worker``: say when none
    is listening (the jobs' pages would say "Waiting to start" for ever)."""
    from kanban.jobs.queue import rq_queue, use_rq

    if not use_rq() or redis_problem():
        return []
    import redis
    from rq import Worker

    try:
        queue = rq_queue()
        listening = [worker for worker in Worker.all(connection=queue.connection)
                     if queue.name in worker.queue_names()]
    except redis.RedisError:
        return []
    if listening:
        return []
    return [Problem(WARNING, _(
        "No `kanban worker` is running for this team's queue: imports, exports and e-mails "
        "run as background jobs wait in Redis until one starts (see the worker service in "
        "the README)."))]


def mail_domain_problems(app: Flask) -> list[Problem]:
    if get_plugin_manager(app).get_plugin("email_bcc") is None:
        return []
    domain = str(app.config.get("EMAIL_BCC_DOMAIN") or "").strip().lower()
    if not domain:
        return [Problem(WARNING, _("EMAIL_BCC_DOMAIN is not set: dropbox addresses use "
                                   "kanban.localhost, which no mail can reach."))]
    if not DOMAIN.fullmatch(domain) and domain != "localhost":
        return [Problem(ERROR, _("EMAIL_BCC_DOMAIN=%(domain)s is not a mail domain: use a name "
                                 "such as crm.example.com.", domain=repr(domain)))]
    if domain == "localhost" or domain.endswith(UNROUTABLE_DOMAINS):
        return [Problem(WARNING, _("EMAIL_BCC_DOMAIN=%(domain)s cannot receive mail from "
                                   "outside: use the domain your mail server receives for.",
                                   domain=repr(domain)))]
    return []


def outgoing_mail_problems(app: Flask) -> list[Problem]:
    from kanban.notify.mailer import read_smtp_url

    url = app.config.get("SMTP_URL")
    if not url:  # a choice: notifications stay in the app
        return []
    try:
        server = read_smtp_url(str(url))
    except ValueError as exc:
        return [Problem(ERROR, f"SMTP_URL: {exc}.")]
    problem = mail_server_problem(server)
    if problem:
        return [Problem(ERROR, problem)]
    if not app.config.get("PUBLIC_URL"):
        return [Problem(WARNING, _("PUBLIC_URL is not set: links in emails and calendar feeds "
                                   "point at http://localhost:5000/ when no request is at "
                                   "hand."))]
    return []


def mail_server_problem(server: SmtpServer) -> str | None:
    """Greet the mail server as a notification would (EHLO, STARTTLS, login), send nothing
    and say what went wrong; None when it answered."""
    from kanban.notify.mailer import connected

    where = f"{server.host}:{server.port}"
    try:
        with connected(server, SMTP_CHECK_SECONDS):
            return None
    except smtplib.SMTPAuthenticationError as exc:
        return _("The mail server %(server)s refused the login of %(user)s (%(code)s): check "
                 "the user and password in KANBAN_SMTP_URL.", server=where, user=server.user,
                 code=exc.smtp_code)
    except ssl.SSLError as exc:
        return _("The mail server %(server)s answered, but no encrypted connection could be "
                 "made with it (%(error)s): check the scheme in KANBAN_SMTP_URL, or set "
                 "KANBAN_SMTP_CA_FILE for a private certificate.", server=where,
                 error=exc.reason or exc)
    except smtplib.SMTPResponseException as exc:
        return _("The mail server %(server)s answered %(code)s %(text)s: check KANBAN_SMTP_URL "
                 "with whoever runs it.", server=where, code=exc.smtp_code,
                 text=exc.smtp_error.decode(errors="replace") if isinstance(
                     exc.smtp_error, bytes) else exc.smtp_error)
    except smtplib.SMTPException as exc:  # no STARTTLS offered, hung up after greeting…
        return _("The mail server %(server)s answered, but: %(error)s. Check KANBAN_SMTP_URL "
                 "with whoever runs it.", server=where, error=str(exc) or type(exc).__name__)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return _("The mail server %(server)s cannot be reached (%(error)s): check the host and "
                 "port in KANBAN_SMTP_URL and that the server is running; until then no email "
                 "is sent.", server=where, error=reason)


def timezone_problems(app: Flask) -> list[Problem]:
    name = app.config.get("TIMEZONE")
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return [Problem(ERROR, _("TIMEZONE=%(name)s is not a time zone: use a name such as "
                                 "Europe/Lisbon.", name=repr(name)))]
    return []


def proxy_hops(app: Flask) -> int | None:
    """The PROXY_FIX_HOPS setting when it is a whole number of at least 0, else None."""
    value = app.config.get("PROXY_FIX_HOPS", 0)
    if isinstance(value, bool):
        return None
    try:
        hops = int(value)
    except (TypeError, ValueError):
        return None
    return hops if hops >= 0 and str(value).strip() == str(hops) else None


def proxy_problems(app: Flask) -> list[Problem]:
    if proxy_hops(app) is None:
        return [Problem(ERROR, _("PROXY_FIX_HOPS=%(value)s must be a whole number: 0 without "
                                 "a proxy, 1 behind one.",
                                 value=repr(app.config.get("PROXY_FIX_HOPS"))))]
    return []


def public_url_problems(app: Flask) -> list[Problem]:
    url = app.config.get("PUBLIC_URL")
    if url and not str(url).lower().startswith(("https://", "http://")):
        return [Problem(ERROR, _("PUBLIC_URL=%(url)s must start with https:// (or http://): "
                                 "the links in emails and calendar feeds would not open.",
                                 url=repr(url)))]
    return []


def cookie_problems(app: Flask) -> list[Problem]:
    if app.config.get("SESSION_COOKIE_SECURE"):
        return []
    behind_https = app.config.get("PREFERRED_URL_SCHEME") == "https" or (proxy_hops(app) or 0) > 0
    if behind_https:
        return [Problem(WARNING, _(
            "SESSION_COOKIE_SECURE is off although Kanban is served over HTTPS: set "
            "KANBAN_SESSION_COOKIE_SECURE=true so the login cookie is never sent "
            "unencrypted."))]
    return []


def configuration_problems(app: Flask) -> list[Problem]:
    """Every problem found, errors first."""
    problems = [
        *secret_key_problems(app),
        *database_problems(),
        *redis_problems(),
        *worker_problems(),
        *mail_domain_problems(app),
        *outgoing_mail_problems(app),
        *timezone_problems(app),
        *proxy_problems(app),
        *public_url_problems(app),
        *cookie_problems(app),
    ]
    return sorted(problems, key=lambda problem: problem.level != ERROR)
