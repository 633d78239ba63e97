"""A throwaway PostgreSQL server for the write benchmarks, durable as in production.

The test suite's server (``tests/postgres.py``) keeps its data in memory with fsync off: right
for tests, wrong for measuring writes, where a commit waits for the WAL to reach the disk.
This one keeps the defaults that matter (fsync, synchronous_commit, full_page_writes on),
writes to a folder on disk, and allows enough connections for 64 workers per server.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import PostgresServer, find_bindir  # noqa: E402  (after the path)

SETTINGS = {"max_connections": 300, "shared_buffers": "256MB"}


class DurableServer(PostgresServer):
    def __init__(self, bindir: Path) -> None:
        super().__init__(bindir)
        Path(self.root).rmdir()  # made by the parent in memory; the data goes on disk instead
        # Straight in the temporary folder: the server's user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="onetouch-bench-pg-"))
        if self.as_user:
            import shutil

            shutil.chown(self.root, "postgres", "postgres")

    def resume(self) -> None:
        options = " ".join(f"-c {name}={value}" for name, value in SETTINGS.items())
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {options}",
                  "-w", "-l", str(self.root / "server.log"), "start")

    def create(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def pid(self) -> int:
        """The postmaster's: every backend is its child."""
        return int((self.root / "data" / "postmaster.pid").read_text().split()[0])

    def version(self) -> str:
        with psycopg.connect(self.url()) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]


def start() -> DurableServer:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries are not installed")
    server = DurableServer(bindir)
    server.start()
    return server


def wal_and_transactions(url: str) -> dict:
    """The WAL position and the next transaction id, to diff around a run: every transaction
    that writes takes an id (this throwaway server serves one database)."""
    with psycopg.connect(url, autocommit=True) as connection:
        lsn, wal, next_id = connection.execute(
            "SELECT pg_current_wal_lsn(), pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'), "
            "pg_snapshot_xmax(pg_current_snapshot())::text::bigint").fetchone()
    return {"lsn": str(lsn), "wal_bytes": int(wal), "write_transactions": int(next_id)}


def difference(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in ("wal_bytes", "write_transactions")}


class WaitSampler:
    """What the busy backends of one database wait on, sampled every 50 ms in a thread."""

    def __init__(self, url: str | None) -> None:
        self.url, self.seen, self.locked = url, Counter(), Counter()
        self.connections = 0  # the most backends connected to the database at once
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        if self.url:
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.url:
            self.thread.join()

    def _sample(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stop.wait(0.05):
                backends = connection.execute(
                    "SELECT state, wait_event_type, wait_event, left(query, 60) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()").fetchall()
                self.connections = max(self.connections, len(backends))
                for state, kind, name, statement in backends:
                    if state != "active":
                        continue
                    waiting = f"{kind}:{name}" if kind else "running"
                    self.seen[waiting] += 1
                    if kind in ("Lock", "IO", "LWLock"):  # which statement waits, on what
                        self.locked[f"{waiting} {' '.join(statement.split()[:3])}"] += 1

    def shares(self) -> dict:
        total = sum(self.seen.values()) or 1
        return {name: round(count / total, 3) for name, count in self.seen.most_common()}

    def waits_by_statement(self) -> dict:
        total = sum(self.seen.values()) or 1
        return {name: round(count / total, 3) for name, count in self.locked.most_common(8)}
