"""A real server process for the multi-process tests (started with multiprocessing)."""

from __future__ import annotations

import os
from typing import Any


def serve(config: dict[str, Any], instance_path: str, ports) -> None:
    """Serve a fresh app on a free loopback port; report the port; serve until killed."""
    os.environ["KANBAN_INSTANCE_PATH"] = instance_path
    from werkzeug.serving import make_server

    from kanban.app import create_app

    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    ports.put(server.server_port)
    server.serve_forever()
