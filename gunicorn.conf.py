"""gunicorn settings for ``make run``; environment variables override each one.

With nginx installed (Debian: apt-get install nginx), ``make run`` serves through it:
gunicorn listens on a socket in the instance folder and nginx, on ``ONETOUCH_BIND``, reads
every request whole before passing it on (deploy/nginx.conf, README "Slow clients"). nginx is
started when gunicorn is ready and stopped when it exits. ``ONETOUCH_PROXY=none`` serves
with gunicorn alone, as behind a proxy of one's own.
"""

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import gunicorn.http.wsgi

# Every answer names its server: say "OneTouch" rather than which software serves it.
gunicorn.http.wsgi.SERVER = "OneTouch"

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from deploy.local_nginx import LocalNginx, ProxyError, find_nginx  # noqa: E402

public = os.environ.get("ONETOUCH_BIND", "127.0.0.1:8000")
proxy = os.environ.get("ONETOUCH_PROXY", "nginx" if find_nginx() else "none")
if proxy not in ("nginx", "none"):
    sys.exit(f"OneTouch cannot start: ONETOUCH_PROXY is {proxy!r}; use nginx or none.")
instance = Path(os.environ.get("ONETOUCH_INSTANCE_PATH") or HERE / "instance").resolve()
socket_path = instance / "gunicorn.sock"
if proxy == "nginx":
    if len(str(socket_path)) > 107:  # what an AF_UNIX address holds
        sys.exit(f"OneTouch cannot start: the socket path {socket_path} is too long for a "
                 "Unix socket; use a shorter ONETOUCH_INSTANCE_PATH.")
    instance.mkdir(parents=True, exist_ok=True)
    bind = f"unix:{socket_path}"
    # nginx is the one proxy in front: the application reads the client's address from the
    # X-Forwarded-For it sets (rate limits count per address).
    os.environ.setdefault("ONETOUCH_PROXIES", "1")
else:
    bind = public
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

# glibc serves an allocation of 128 KiB or more from a mapping of its own and returns it when
# freed, until a large block is freed: then it raises that threshold to the block's size and
# keeps later ones in the heap for good. A log-in's password hash takes 19 MiB (argon2id), so
# every worker kept 19 MiB more after its second log-in. A fixed threshold (M_MMAP_THRESHOLD,
# -3) keeps it returning them; the workers inherit it from the master.
_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.mallopt(-3, 128 * 1024)

_nginx = None


def when_ready(server):
    """Start nginx in front, once gunicorn listens on the socket it passes requests to, and
    the fold worker if completions are queued."""
    global _nginx
    start_fold(server)
    if proxy != "nginx":
        return
    if f"unix:{socket_path}" not in server.cfg.bind:
        server.log.warning("gunicorn binds %s: nginx is not started", ", ".join(server.cfg.bind))
        return
    _nginx = LocalNginx(find_nginx(), instance / "nginx", public, f"unix:{socket_path}")
    try:
        _nginx.start()
    except ProxyError as error:  # before any worker exists: stop here, in one sentence
        sys.exit(f"OneTouch cannot start: {error}")
    server.log.info("nginx serves http://%s (buffering requests for gunicorn)", public)


def on_exit(server):
    if _nginx is not None:
        _nginx.stop()
    if _fold is not None:
        _fold.terminate()  # a batch it was folding rolls back and stays queued
        _fold.wait(graceful_timeout)


_fold = None


def start_fold(server):
    """With COMPLETIONS = "queued" the worker that completes passed attempts
    (``flask quizzes fold``) runs beside the server, started and stopped with it, so that one
    machine completes a course within a second of its exam. ``ONETOUCH_FOLD=none`` leaves it
    to workers on other machines (README, "Completions in batches")."""
    global _fold
    from wsgi import app

    if app.config["COMPLETIONS"] != "queued" or os.environ.get("ONETOUCH_FOLD") == "none":
        return
    _fold = subprocess.Popen([sys.executable, "-m", "flask", "--app", "onetouch", "quizzes",
                              "fold"], cwd=HERE)
    server.log.info("completions are queued: the fold worker runs (pid %s)", _fold.pid)


def pre_fork(server, worker):
    """Move everything the master loaded out of the garbage collector's sight before a worker
    is forked: a worker's full collection would otherwise write to every one of those objects
    and so copy every page that holds one. Without Alembic loaded in the master, a worker came
    to its first full collection sooner and shared 12 MB with the master instead of 31 MB
    (benchmarks/README.md, "Memory of the default server")."""
    gc.freeze()


def post_fork(server, worker):
    """Drop any database connection inherited from the master; each worker opens its own."""
    from onetouch.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
