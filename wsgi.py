"""WSGI entry point: ``gunicorn wsgi:app``. The app built here serves the public: it is in
production mode, which needs ONETOUCH_PUBLIC_URL (``make run`` sets it)."""

from onetouch import create_app

app = create_app(production=True)
