"""Database faults: which errors mean "the database is unavailable, try again later", and
the pool listeners that let the application use the database again once it has recovered.

Such an outage (the server is down or restarting, the disk is full, the file or the server is
read-only) is answered with 503 and Retry-After instead of 500: nothing is wrong with the
request or the code, and it will work again without anyone restarting the application.
"""

from __future__ import annotations

import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

READ_ONLY = "read-only"
FULL = "full"
UNREACHABLE = "unreachable"

# SQLite's primary result codes ("attempt to write a readonly database", "database or disk is
# full", "unable to open database file", "disk I/O error"); sqlite3 reports extended codes.
SQLITE_FAULTS = {
    sqlite3.SQLITE_READONLY: READ_ONLY,
    sqlite3.SQLITE_FULL: FULL,
    sqlite3.SQLITE_CANTOPEN: UNREACHABLE,
    sqlite3.SQLITE_IOERR: UNREACHABLE,
}
POSTGRES_FAULTS = {"25006": READ_ONLY, "53100": FULL}  # read_only_sql_transaction, disk_full

OUTAGE_TYPES = (OperationalError, InterfaceError, DisconnectionError)
# How far to follow __cause__ / __context__: an outage may be re-raised as another error.
CHAIN_LIMIT = 8


def storage_fault(dbapi_error: BaseException | None) -> str | None:
    """READ_ONLY, FULL or UNREACHABLE when a driver's error says the database cannot be
    written or opened; None for any other error."""
    sqlstate = getattr(dbapi_error, "sqlstate", None)  # psycopg 3
    if sqlstate:
        return POSTGRES_FAULTS.get(sqlstate)
    code = getattr(dbapi_error, "sqlite_errorcode", None)
    if isinstance(dbapi_error, sqlite3.Error) and code is not None:
        return SQLITE_FAULTS.get(code & 0xFF)
    return None


def outage_reason(error: BaseException | None) -> str | None:
    """Why the database is unavailable, if ``error`` or what caused it says so; else None."""
    for _ in range(CHAIN_LIMIT):
        if error is None:
            return None
        if isinstance(error, DBAPIError) and (reason := storage_fault(error.orig)):
            return reason
        if isinstance(error, OUTAGE_TYPES):
            return UNREACHABLE
        error = error.__cause__ or error.__context__
    return None


def is_outage(error: BaseException | None) -> bool:
    return outage_reason(error) is not None


@event.listens_for(Engine, "handle_error")
def _replace_unwritable_connections(context) -> None:
    """Treat the errors of a database that cannot be written or opened as disconnects.

    SQLite opens a file it may not write read-only, silently, and such a connection stays
    read-only after the file is writable again; a PostgreSQL session keeps
    default_transaction_read_only as it was when it connected. pool_pre_ping cannot see
    either ("SELECT 1" works), so the connection would fail every write until the worker
    restarts. A disconnect makes the pool drop this connection and every older one, and
    open fresh ones on the next checkout.
    """
    if storage_fault(context.original_exception) is not None:
        context.is_disconnect = True


@event.listens_for(Engine, "connect")
def _note_read_only_sqlite_file(dbapi_connection, record) -> None:
    """Remember which SQLite connections were opened on a file that could not be written.

    os.access answers as open() does for a read-only mount or missing permission, which is
    when SQLite falls back to read-only. Should the two ever disagree, the handle_error
    listener above still replaces the connection at its first refused write.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    path = next((file for _, name, file in rows if name == "main"), "")
    if path and not os.access(path, os.W_OK):
        record.info["read_only_file"] = path


@event.listens_for(Engine, "checkout")
def _replace_read_only_sqlite_connection(_dbapi_connection, record, _proxy) -> None:
    """Once the file is writable again, swap a read-only connection for a fresh one before
    anyone uses it, instead of failing the first write on it."""
    path = record.info.get("read_only_file")
    if path and os.access(path, os.W_OK):
        raise DisconnectionError(f"{path} is writable again; reconnecting")
