"""Rate-limit counters in a SQLite file, shared by every worker of one machine.

The limiter's ``memory://`` storage counts in each process: with five gunicorn workers a limit
of 10 allowed up to 50. Without a Redis server, the one-machine default
(``RATELIMIT_STORAGE_URI = sqlite:///<instance>/ratelimits.sqlite3``) keeps fixed-window
counters in a file of their own, beside the database but never in it, so that counting a
log-in attempt never waits for the application's writer. One upsert counts a hit and returns
the new count, atomic across processes. Counters are thrown away after their window, and
nothing is lost that matters if the file is deleted (the windows start again), so writes are
not synced to disk. Several machines share limits through ``redis://`` instead.

Defining the class registers the ``sqlite`` scheme with the ``limits`` package, so
``create_app`` imports this module before it binds the limiter.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from urllib.parse import urlparse

from limits.storage import Storage

SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"""
# A window that has ended starts again at this hit; otherwise the hit adds to it. The right-hand
# sides of SET read the row as it was before the update.
HIT = """INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counters.expires <= :now THEN :amount ELSE counters.count + :amount END,
    expires = CASE WHEN counters.expires <= :now THEN :now + :expiry ELSE counters.expires END
RETURNING count"""
# Every so many hits a process deletes the windows that have ended, so the file stays small.
SWEEP_EVERY = 1000


class SQLiteStorage(Storage):
    """``sqlite:///path/to/file.sqlite3``: fixed-window counters (the limiter's default
    strategy; the moving-window strategies need ``redis://``)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        # As in SQLAlchemy's URLs: sqlite:///relative/file, sqlite:////absolute/file.
        self.path = urlparse(uri).path[1:]
        if not self.path:
            raise ValueError("a sqlite rate-limit storage needs a file: sqlite:////path/file")
        # One connection per thread of each process; opened at first use, so that the gunicorn
        # master, which builds the app before it forks, hands no connection to its workers.
        self.local = threading.local()
        self.hits = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self.local, "connection", None)
        if connection is None or self.local.pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(SCHEMA)
            self.local.connection, self.local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        count = connection.execute(HIT, {"key": key, "amount": amount, "now": now,
                                         "expiry": expiry}).fetchone()[0]
        self.hits += 1
        if self.hits % SWEEP_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires <= ?", (now,))
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        return self._connection().execute(
            "SELECT count, expires FROM counters WHERE key = ? AND expires > ?",
            (key, time.time())).fetchone()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
