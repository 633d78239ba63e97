"""A throwaway PostgreSQL server for the tests, started from the installed binaries.

CI installs Debian's ``postgresql`` package; the server runs as the ``postgres`` user when
the tests run as root (PostgreSQL refuses to run as root), on a free loopback port, with
fsync off because the data is thrown away.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_folder() -> str | None:
    """The shared-memory file system where there is one: the data is thrown away anyway, and
    on a disk each database cloned for a test waits on the kernel writing the last ones back
    (several times longer on a busy machine)."""
    shm = Path("/dev/shm")  # noqa: S108 (mkdtemp makes a private folder of its own in it)
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="onetouch-pg-", dir=_memory_folder()))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.root / "data"), "-U", "onetouch",
                  "--auth=trust", "-E", "UTF8", "--no-sync")
        self.resume()

    def resume(self) -> None:
        """Start the server on the data it has, on the same port (after ``halt``)."""
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-o", options,
                  "-w", "-l", str(self.root / "server.log"), "start")

    def halt(self) -> None:
        """Stop at once, as a crash or a killed server would, keeping the data."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                  "immediate", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://onetouch@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server if it runs, and delete its data."""
        try:
            if (self.root / "data" / "postmaster.pid").exists():  # running, or never stopped
                self.halt()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def running_server() -> Iterator[PostgresServer]:
    """A started throwaway server, stopped and deleted afterwards; skips the test without the
    binaries."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries are not installed (.ci/run installs them)")
    server = PostgresServer(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
