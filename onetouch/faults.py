"""Database faults: which errors mean "the database is unavailable, try again later".

Such an outage (the server is down or restarting, the disk is full, the file or the server is
read-only) is answered with 503 and Retry-After instead of 500: nothing is wrong with the
request or the code, and it will work again without anyone restarting the application.
"""

from __future__ import annotations

import sqlite3

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

