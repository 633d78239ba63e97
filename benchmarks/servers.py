"""Throwaway OneTouch instances and gunicorn servers for the load benchmarks."""

from __future__ import annotations

import os
import platform
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg


def flask(env: dict, code: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args],
                          env=env, cwd=code, capture_output=True, text=True)


def prepare(instance: Path, code: Path, database_url: str | None, courses: Path | None = None,
            ) -> dict:
    """A migrated database with the units and the library loaded, by the checkout ``code``;
    the environment that serves it (rate limits off: every client here is 127.0.0.1)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ONETOUCH_") and key != "DATABASE_URL"}
    env |= {"ONETOUCH_INSTANCE_PATH": str(instance), "ONETOUCH_RATELIMIT_ENABLED": "false",
            "PYTHONPATH": str(code), "ONETOUCH_LOG_LEVEL": "warning",
            # wsgi.py serves the public and needs its address (make run sets the same).
            "ONETOUCH_PUBLIC_URL": "http://127.0.0.1:8000"}
    if courses:
        env["ONETOUCH_COURSES_PATH"] = str(courses)
    if database_url:
        # PostgreSQL may be shared by several servers: the keys come from the configuration.
        env |= {"DATABASE_URL": database_url, **shared_keys()}
    for step in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        done = flask(env, code, *step)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(step)} failed:\n{done.stderr}")
    return env


def shared_keys() -> dict:
    """A throwaway secret key and credential signing key, as every node of one database gets
    them from its configuration."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    return {"ONETOUCH_SECRET_KEY": secrets.token_hex(32),
            "ONETOUCH_CREDENTIAL_SIGNING_KEY": pem.decode()}


@dataclass
class Server:
    url: str
    pid: int  # gunicorn's master: its workers are its children


@contextmanager
def served(app: str, env: dict, code: Path, port: int, workers: int | None = None,
           proxy: bool = False):
    """``app`` under gunicorn with the project's settings (``gunicorn.conf.py``); with
    ``workers``, that many sync workers; with ``proxy``, as ``make run`` serves it: nginx on
    the port (started and stopped by gunicorn.conf.py), gunicorn on a socket behind it.
    Yields the Server."""
    sizing = ["--workers", str(workers), "--worker-class", "sync"] if workers else []
    if proxy:
        binding, env = [], {**env, "ONETOUCH_PROXY": "nginx",
                            "ONETOUCH_BIND": f"127.0.0.1:{port}"}
    else:
        binding, env = ["--bind", f"127.0.0.1:{port}"], {**env, "ONETOUCH_PROXY": "none"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", *sizing, *binding,
         "--access-logfile", "/dev/null", app], cwd=code,
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", app)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)


def wait_until_up(base: str, app: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return  # an app without /healthz answers 404: it is up
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{app} did not start")


def count_rows(env: dict, table: str) -> int:
    url = env.get("DATABASE_URL")
    query = f"SELECT count(*) FROM {table}"  # noqa: S608 (a fixed name from this file)
    if url:
        with psycopg.connect(url) as connection:
            return connection.execute(query).fetchone()[0]
    path = Path(env["ONETOUCH_INSTANCE_PATH"]) / "onetouch.sqlite3"
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchone()[0]


def machine() -> str:
    memory = Path("/proc/meminfo").read_text().split()[1]
    return (f"{platform.machine()}, {os.cpu_count()} cores, {int(memory) / 2**20:.0f} GiB, "
            f"Python {platform.python_version()}")


def tree_cpu(root: int | None) -> float:
    """CPU seconds (user and system) used so far by a process and its descendants, those
    that ended included once their parent reaped them; 0 without a process."""
    if root is None:
        return 0.0
    parents, used = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = sum(int(value) for value in fields[11:15])
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | found, bool(found)
    return sum(used.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")
