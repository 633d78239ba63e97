"""gunicorn settings for ``make run``; environment variables override each one."""

import multiprocessing
import os

import gunicorn.http.wsgi

# Every answer names its server: say "OneTouch" rather than which software serves it.
gunicorn.http.wsgi.SERVER = "OneTouch"

bind = os.environ.get("ONETOUCH_BIND", "127.0.0.1:8000")
# The usual (2 x cores) + 1 sync workers: requests are short and mostly wait on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Load the app once in the master: configuration errors stop start-up with one sentence,
# and the workers share the loaded code's memory.
preload_app = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ONETOUCH_LOG_LEVEL", "info")


def post_fork(server, worker):
    """Drop any database connection inherited from the master; each worker opens its own."""
    from onetouch.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
