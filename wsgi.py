"""The WSGI entry point: ``gunicorn wsgi:app``."""

from kanban.app import create_app

app = create_app()
