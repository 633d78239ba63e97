"""WSGI entry point: ``gunicorn wsgi:app``."""

from onetouch import create_app

app = create_app()
