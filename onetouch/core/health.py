"""Can the database do what the application needs? For the health check.

"SELECT 1" is not enough: a read-only or full database answers it while every write fails.
Nothing here commits; the probes that take the write lock are rolled back.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from onetouch.extensions import db
from onetouch.faults import FULL, READ_ONLY, UNREACHABLE, outage_reason

OK = "ok"
# Below this, the next page of a write may not fit. A rolled-back write cannot tell: in WAL
# mode it never reaches the disk.
MIN_FREE_BYTES = 1024 * 1024


def database_status() -> str:
    """OK, or why the database cannot serve: READ_ONLY, FULL or UNREACHABLE.

    The error is logged, never shown to the caller.
    """
    engine = db.engine
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    try:
        with engine.connect() as connection:
            status = (_sqlite_status(connection) if engine.dialect.name == "sqlite"
                      else _postgres_status(connection))
    except SQLAlchemyError as error:
        current_app.logger.warning("health check: database unavailable: %s",
                                   getattr(error, "orig", error))
        status = outage_reason(error) or UNREACHABLE
        if status == UNREACHABLE and _on_disk(path) and not _writable(Path(path)):
            status = READ_ONLY  # a read-only folder cannot hold the WAL files: "unable to open"
        return status
    if status == OK and _on_disk(path):
        return _file_status(Path(path))
    return status


def _sqlite_status(connection: Connection) -> str:
    """Take the write lock and write in a transaction that is rolled back.

    BEGIN IMMEDIATE fails on a read-only file or mount when the WAL index cannot be opened;
    but a connection that SQLite opened read-only gets a read transaction from it instead,
    and only a write (here user_version set to itself, never committed) is refused.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    version = int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
    connection.exec_driver_sql(f"PRAGMA user_version = {version:d}")
    connection.rollback()
    return OK


def _postgres_status(connection: Connection) -> str:
    connection.exec_driver_sql("SELECT 1")
    if connection.exec_driver_sql("SHOW transaction_read_only").scalar_one() != "off":
        # A standby, or a session opened under default_transaction_read_only: it stays
        # read-only, so let the pool open a fresh one next time.
        connection.invalidate()
        return READ_ONLY
    return OK


def _on_disk(path: str | None) -> bool:
    return bool(path) and path != ":memory:" and not path.startswith("file:")


def _writable(path: Path) -> bool:
    """Could a new connection write? (Existing ones may have opened the file before.)"""
    folder = path.parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _file_status(path: Path) -> str:
    if not _writable(path):
        return READ_ONLY
    stats = os.statvfs(path.parent)
    if stats.f_bavail * stats.f_frsize < MIN_FREE_BYTES:
        return FULL
    return OK
