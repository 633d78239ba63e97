"""A throwaway PgBouncer in transaction pooling mode, in front of a test PostgreSQL server.

CI may install Debian's ``pgbouncer`` package; without it the tests that need one are skipped.
PgBouncer refuses to run as root: as root it runs as the ``postgres`` user, like the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.postgres import _free_port


def find_binary() -> str | None:
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")


def _config(target: str, port: int, folder: Path, pool_size: int) -> str:
    server = urlsplit(target)
    return f"""[databases]
* = host={server.hostname} port={server.port} user={server.username}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
ignore_startup_parameters = extra_float_digits,options
"""


@contextmanager
def running_pgbouncer(target: str, pool_size: int = 2) -> Iterator[int]:
    """PgBouncer on a free loopback port in front of ``target``'s server (its URL names the
    host, port and user); yields the port. Skips the test without the binary."""
    binary = find_binary()
    if binary is None:
        pytest.skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    folder = Path(tempfile.mkdtemp(prefix="onetouch-pgbouncer-"))
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    config = folder / "pgbouncer.ini"
    config.write_text(_config(target, port, folder, pool_size))
    process = subprocess.Popen([*as_user, binary, str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        _wait(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("pgbouncer exited at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("pgbouncer did not listen within 10 s")


def through(url: str, port: int) -> str:
    """``url`` with PgBouncer's port instead of the server's."""
    parts = urlsplit(url)
    return parts._replace(netloc=f"{parts.username}@127.0.0.1:{port}").geturl()
