"""The app's own log lines say when and how bad, wherever nobody configured logging."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    """Give the root logger one handler (standard error) in LOG_FORMAT when it has none.

    gunicorn sets up only its own loggers, so the app's warnings and errors were printed by
    Python's last-resort handler: the message alone, without a time or a level. A logging
    setup of the operator's (gunicorn's ``--log-config``, a test runner's) is left alone."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
