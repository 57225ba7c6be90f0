"""The application factory, built from small register_* steps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from kanban import config
from kanban.lazy_web import LazyWebFlask
from kanban.logs import configure_logging
from kanban.request_limits import LimitedRequest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure a Kanban application.

    Its web side (pages, request rules, template helpers) is built the first time the
    application serves a request, builds a URL or compiles a template: a command that only
    stores data never pays for it (see ``kanban.lazy_web``).
    """
    app = LazyWebFlask(
        "kanban",
        root_path=str(Path(__file__).resolve().parent),
        instance_path=os.environ.get("KANBAN_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.request_class = LimitedRequest  # a body sent in chunks obeys the size limit too
    configure_logging()
    register_config(app, test_config)
    register_proxy(app)
    register_extensions(app)
    register_plugins(app)
    register_cli(app)
    app.defer_web(register_web)
    return app


def register_web(app: Flask) -> None:
    """Build what serving pages needs, on top of the data side."""
    register_web_extensions(app)
    register_blueprints(app)


def register_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    from kanban.i18n import team_language
    from kanban.instance import ensure_secret_key, private_folder, sqlite_url, team_timezone

    app.config.from_object(config.DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KANBAN")
    if os.environ.get("KANBAN_DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["KANBAN_DATABASE_URL"]
    if test_config:
        app.config.update(test_config)
    private_folder(Path(app.instance_path))
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = sqlite_url(Path(app.instance_path) / "kanban.db")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = ensure_secret_key(Path(app.instance_path))
    app.config["TIMEZONE"] = team_timezone(app.config["TIMEZONE"])
    app.config["LANGUAGE"] = team_language(app)
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]  # times are shown in it
    for flag in ("SECURE", "HTTPONLY", "SAMESITE"):  # the remember-me cookie is a login too
        app.config.setdefault(f"REMEMBER_COOKIE_{flag}", app.config[f"SESSION_COOKIE_{flag}"])
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked by kanban.auth, which knows tokens


def register_proxy(app: Flask) -> None:
    """Believe the X-Forwarded-* headers of as many proxies as the operator says, no more.

    Behind a TLS-terminating proxy the app must know the visitor's address (rate limits), and
    that the page was served over https on the public host (links, the web form's origin
    check). Without the setting the headers stay ignored: anyone could send them.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    from kanban.security import CookiesUnderPrefix

    app.wsgi_app = CookiesUnderPrefix(app.wsgi_app)  # inside ProxyFix: it sees the prefix
    hops = proxy_hops(app.config.get("PROXY_FIX_HOPS"))
    app.config["PROXY_FIX_HOPS"] = hops
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops,
                                x_prefix=hops)


def proxy_hops(value: Any) -> int:
    """Read the number of trusted proxies: a whole number from 0 (no proxy) up."""
    from kanban.instance import BadSetting

    try:
        hops = int(value or 0)
    except (TypeError, ValueError):
        hops = -1
    if hops < 0 or str(value or 0).strip() != str(hops):
        raise BadSetting(
            f"KANBAN_PROXY_FIX_HOPS must be the number of proxies in front of the app "
            f"(0, 1, 2...), not {value!r}"
        )
    return hops


def register_extensions(app: Flask) -> None:
    from kanban.database import check_connections_after_idle, configure_engine
    from kanban.extensions import db
    from kanban.i18n import init_i18n

    init_i18n(app)  # first: a database address refused below is said in the team's language
    configure_engine(app)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            check_connections_after_idle(engine)


def register_web_extensions(app: Flask) -> None:
    """Bind the extensions only requests use: logins, CSRF tokens, rate limits."""
    from kanban.extensions import csrf, limiter, login_manager
    from kanban.ratelimits import give_the_store_timeouts, init_rate_limits

    login_manager.init_app(app)
    csrf.init_app(app)
    give_the_store_timeouts(app)
    limiter.init_app(app)
    init_rate_limits(app)


def register_plugins(app: Flask) -> None:
    from kanban.i18n import add_translation_directories
    from kanban.plugins import create_plugin_manager

    pm = create_plugin_manager(app)
    app.extensions["kanban_plugins"] = pm
    add_translation_directories(app, pm.hook.kanban_register_translations())


def register_blueprints(app: Flask) -> None:
    from kanban.api import blueprint as api_blueprint
    from kanban.auth import register_access_rules
    from kanban.auth.language import bp as language_bp
    from kanban.auth.views import bp as auth_bp
    from kanban.error_pages import register_error_pages
    from kanban.plugins import get_plugin_manager
    from kanban.security import register_security_headers
    from kanban.templating import register_template_helpers
    from kanban.text import register_text_check
    from kanban.web import bp as web_bp
    from kanban.web.admin import bp as admin_bp
    from kanban.web.health import bp as health_bp

    register_access_rules(app)
    register_text_check(app)  # after the login rule: a stranger is sent to log in first
    register_security_headers(app)
    register_error_pages(app)
    register_template_helpers(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_blueprint())
    app.register_blueprint(health_bp)
    for blueprints in get_plugin_manager(app).hook.kanban_register_blueprints():
        for blueprint in blueprints or []:
            app.register_blueprint(blueprint)


def register_cli(app: Flask) -> None:
    from kanban.cli import register_commands

    register_commands(app)
