"""Default settings; every one can be overridden by a KANBAN_* environment variable."""

from __future__ import annotations

from datetime import timedelta


def N_(message: str) -> str:
    """Mark a message for the catalogue (extractors know this name); it is translated when shown."""
    return message


class DefaultConfig:
    SECRET_KEY: str | None = None  # taken from the instance folder when not set
    SQLALCHEMY_DATABASE_URI: str | None = None  # SQLite in the instance folder when not set
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 5000  # a writer waits this long for a lock; keep it well below
    # the worker timeout (gunicorn: 30 s), then the request answers 503 "try again"
    # `kanban db upgrade` waits this long for another session's lock (a nightly pg_dump, a
    # long report) before giving up; requests touching the table it waits for answer 503
    # meanwhile.
    MIGRATION_LOCK_TIMEOUT_SECONDS = 120
    # PostgreSQL: how long a server that does not answer (packets dropped by a firewall, a
    # failover address that is down, a host that died) may keep a request before it answers
    # 503: connecting to it, or waiting for it to take a statement on a connection already
    # open (TCP_USER_TIMEOUT).
    DATABASE_CONNECT_TIMEOUT_SECONDS = 5

    # How many reverse proxies (nginx, Caddy...) stand in front of the app; their
    # X-Forwarded-For/-Proto/-Host/-Port headers are believed for that many hops. 0: none.
    PROXY_FIX_HOPS = 0

    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set KANBAN_SESSION_COOKIE_SECURE=true behind HTTPS
    # REMEMBER_COOKIE_SECURE, _HTTPONLY and _SAMESITE follow the SESSION_COOKIE_* ones
    # unless set themselves.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

    EXPORT_ROLES = ["admin", "manager"]  # an export carries the whole client base
    EXPORT_RECORDS_PAGE_SIZE = 50

    LOGIN_LIMITS_PER_IP = "20 per minute"
    LOGIN_LIMITS_PER_ACCOUNT = "5 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # The store down (Redis): serve requests, counting limits in each worker's memory.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Every Redis connection (rate limits, jobs, open boards, /readyz) gives up after this
    # long: a Redis that never answers costs a request at most this, not a worker.
    REDIS_TIMEOUT_SECONDS = 2.0

    BABEL_DEFAULT_LOCALE = "en"
    # The team's language (en, pt, it, es, ru): pages for people who chose none on their
    # profile or on the login page, the demo data, new web forms. Not set: the browser's.
    LANGUAGE: str | None = None
    TIMEZONE: str | None = None  # e.g. "Europe/Lisbon"; the server's own zone when not set
    LANGUAGES = ["en", "pt", "it", "es", "ru"]
    DEFAULT_CURRENCY = "EUR"

    # The address the team opens the app at (https://crm.example.com, with the path if the
    # app is mounted under one): links in emails and calendar feeds. Not set: the address
    # of the request at hand, else http://localhost:5000/.
    PUBLIC_URL: str | None = None
    # The team's outgoing mail server, for notifications and the morning digest:
    # smtp://host:25, smtp+starttls://user:password@host:587 or smtps://user:password@host:465.
    # Not set: nobody is emailed (the bell in the app still works).
    SMTP_URL: str | None = None
    SMTP_TIMEOUT_SECONDS = 10
    SMTP_CA_FILE: str | None = None  # a private certificate authority for the mail server
    MAIL_FROM = "Kanban <kanban@localhost>"
    NOTIFICATIONS_KEEP_DAYS = 90  # read notifications are forgotten after this many days
    # Lead events (the outbox that open boards and other systems read) are kept this long.
    OUTBOX_KEEP_DAYS = 7
    # Background jobs wait on Redis (the rate-limit store) for `kanban worker`; true keeps
    # them in threads of the app process even when Redis is configured.
    JOBS_IN_THREADS = False
    JOBS_KEEP_DAYS = 90  # finished jobs are forgotten from the history after this many days
    # How often an open board's stream looks for other people's changes (seconds).
    LIVE_POLL_SECONDS = 1.0
    # A stream ends after this long and the browser opens the next one: keep it below the
    # server's worker timeout (gunicorn's is 30 seconds).
    LIVE_STREAM_SECONDS = 25
    # Boards ask for changes every few seconds instead of holding a stream open (for a
    # proxy or server that cannot hold streams).
    LIVE_POLL_ONLY = False

    # Plugins: None loads every installed plugin of the "kanban.plugins" entry-point group.
    PLUGINS: list[str] | None = None
    DISABLED_PLUGINS: list[str] = []
    PLUGINS_STRICT = False  # raise instead of logging when a plugin fails

    LOST_REASONS = [
        N_("Price"), N_("Chose a competitor"), N_("No budget"), N_("No answer"), N_("Timing")
    ]
    BOARD_PAGE_SIZE = 40
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 500
    SORTABLE_JS_URL = "https://cdn.jsdelivr.net/npm/sortablejs@1.15.6/Sortable.min.js"
    SORTABLE_JS_INTEGRITY = (  # sha384 of that file in the npm package; "" to leave it out
        "sha384-HZZ/fukV+9G8gwTNjN7zQDG0Sp7MsZy5DDN6VfY3Be7V9dvQpEpR2jF2HlyFUUjU"
    )
    # The same file ships in static/vendor/sortablejs/ and is loaded when the CDN cannot be
    # reached; true serves only that copy and never names the CDN.
    SORTABLE_JS_LOCAL = False
