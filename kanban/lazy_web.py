"""The application's web side (pages, their URL rules, the templates' helpers, the request
rules), built the first time something needs it rather than with the application.

A command such as ``kanban mail ingest``, run once per message by a mail server, stores
data and exits: it never serves a page, so it need not import every view nor compile every
URL rule. The web side is built, once and before anything uses it, when the application:

- handles a request (a server's, a test client's or a test request context),
- looks up or builds a URL (``url_for``, ``url_map.iter_rules``), or
- compiles a template (an email rendered by a command uses the same helpers as a page).

A server builds it at start-up (``wsgi.py``), so no visitor waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.templating import Environment
from werkzeug.routing import Map

WebBuilder = Callable[[Flask], None]


class _RuleMap(Map):
    """The URL rules, completed with the web side's before the first lookup."""

    before_use: Callable[[], None] | None = None

    def update(self) -> None:  # every match, build and listing of rules starts here
        if self.before_use is not None:
            self.before_use()
        super().update()


class _TemplateEnvironment(Environment):
    """Templates, compiled once the web side has added its filters and globals."""

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        self.app.load_web()  # type: ignore[attr-defined]
        return super().compile(*args, **kwargs)


class LazyWebFlask(Flask):
    """A Flask application whose web side is built on first need (see the module)."""

    url_map_class = _RuleMap
    jinja_environment = _TemplateEnvironment

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._web_builders: list[WebBuilder] = []
        self._web_built = True  # until a builder is deferred
        self._web_lock = threading.RLock()
        self.url_map.before_use = self.load_web

    def defer_web(self, builder: WebBuilder) -> None:
        """Have ``builder(app)`` run when the web side is first needed."""
        with self._web_lock:
            self._web_builders.append(builder)
            self._web_built = False

    def load_web(self) -> None:
        """Build the web side now, if it is not built yet (at most once, whatever thread)."""
        if self._web_built:
            return
        with self._web_lock:  # another thread waits here until the web side is built
            while self._web_builders:  # a builder needing the web side finds the list empty
                self._web_builders.pop(0)(self)
            self._web_built = True

    def request_context(self, environ: Any) -> Any:
        self.load_web()
        return super().request_context(environ)
