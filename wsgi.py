"""The WSGI entry point: ``gunicorn wsgi:app``."""

import logging
import sys

from kanban.app import create_app
from kanban.instance import BadSetting

# gunicorn's exit code for a worker that cannot boot: it stops instead of starting the next
# worker, which would fail the same way, over and over.
CANNOT_BOOT = 3

try:
    app = create_app()
except BadSetting as problem:  # one sentence in the log, which names the setting
    logging.getLogger("kanban").critical("%s", problem)
    sys.exit(CANNOT_BOOT)
app.load_web()  # a server builds its pages before the first visitor, not while they wait
