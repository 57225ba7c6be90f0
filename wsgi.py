"""The WSGI entry point: ``gunicorn wsgi:app``."""

from kanban.app import create_app

app = create_app()
app.load_web()  # a server builds its pages before the first visitor, not while they wait
