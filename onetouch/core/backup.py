"""Backing up the SQLite database while it serves, and restoring it while it does not.

A backup is SQLite's online backup API in one step: it reads one consistent snapshot under a
read transaction, which in WAL mode never makes a writer wait, so it is safe while gunicorn
serves. It is written beside its destination under a temporary name, checked
(``PRAGMA integrity_check`` and the schema revision), then linked into place, so a file
under the chosen name is always a whole, checked backup.

A restore replaces the database's content in place, and is refused while any other process has
the database open: leaving WAL mode needs the only connection, so a refusal to leave it is the
proof that a server (or another command) still uses the file. The content it replaces is first
backed up beside it (``<name>.before-restore-<time>``).

PostgreSQL is backed up with its own tools (README, "Backups").
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class BackupError(Exception):
    """Why a backup or restore was not made, in one sentence."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    revision: str
    size: int


def inspect(path: Path) -> Snapshot:
    """Check that ``path`` is a whole OneTouch database; return its schema revision."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: {verdict}")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a OneTouch SQLite database ({error})") from None
    if revision is None:
        raise BackupError(f"{path} has no schema revision: not a OneTouch database")
    return Snapshot(path, revision[0], path.stat().st_size)


def backup(live: Path, target: Path) -> Snapshot:
    """Copy the live database to ``target``, a new file; safe while the server writes."""
    if target.exists():
        raise BackupError(f"{target} already exists; back up to a new file")
    if not live.is_file():
        raise BackupError(f"there is no database at {live}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with closing(sqlite3.connect(live)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # pages=-1: every page in one step, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, whatever the live mode
        snapshot = inspect(partial)
        os.link(partial, target)  # fails rather than replace a file made meanwhile
    except FileExistsError:
        raise BackupError(f"{target} already exists; back up to a new file") from None
    finally:
        partial.unlink(missing_ok=True)
    return Snapshot(target, snapshot.revision, snapshot.size)


def restore(source: Path, live: Path) -> tuple[Snapshot, Path | None]:
    """Replace the live database's content with the backup's; returns the backup's snapshot
    and where the replaced content was kept (None when there was no database)."""
    snapshot = inspect(source)
    kept = None
    live.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(live, timeout=0, isolation_level=None)) as target:
        _take_alone(target, live)
        if _has_tables(target):
            kept = live.with_name(f"{live.name}.before-restore-{datetime.now():%Y%m%dT%H%M%S}")
            with closing(sqlite3.connect(kept)) as copy:
                target.backup(copy)
        with closing(sqlite3.connect(source)) as backup_file:
            backup_file.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    return snapshot, kept


def _take_alone(connection: sqlite3.Connection, live: Path) -> None:
    """Leave WAL mode (possible only for the one connection to the file) and keep the file
    locked until the restore is done."""
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
    except sqlite3.OperationalError:
        raise BackupError(
            f"{live} is open in another process: stop OneTouch (and any flask command) on "
            "this database, then restore") from None


def _has_tables(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
