"""The compliance dashboard's figures per area, kept for ``COMPLIANCE_CACHE_SECONDS`` in each
server process; 0, the default, counts them on every request.

Why it is off by default: the figures come from the running counts of ``tallies`` (a few
thousand rows for the nation), about 35 ms at a million learners on SQLite
(``benchmarks/README.md``), so they can be exact on every request. A deployment that wants
to spare even that on a busy dashboard can keep them up to a minute, say: a GET never writes
to the database, so the copy is kept in the process, each worker of the server holds its
own, lost on restart, and the page shows the time its figures were counted. The key holds
every field of the requirement that decides who counts (and when it was last edited or
cancelled), the area and the day: an edit or a new day counts afresh at once.

Only the figures are kept. The lists of learners and every export are read afresh: they
name people, and a file handed on must be current.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy.orm import Session

from onetouch.core import clock
from onetouch.learning import compliance
from onetouch.learning.models import RequiredTraining

MAX_COPIES = 500  # a few per requirement in force: the nation and the provinces looked at


@dataclass(frozen=True)
class Counted:
    report: compliance.Report
    at: datetime  # when the figures were counted


_copies: dict[tuple, Counted] = {}
_lock = threading.Lock()


def _key(requirement: RequiredTraining, province_code: str | None, on: date) -> tuple:
    return (requirement.id, requirement.course_id, requirement.audience,
            requirement.province_code, requirement.starts_on, requirement.deadline,
            requirement.grace_days, requirement.updated_at, requirement.cancelled_at,
            province_code, on)


def seconds() -> int:
    """How long a copy is kept (the setting)."""
    return int(float(current_app.config.get("COMPLIANCE_CACHE_SECONDS", 0)))


def _fresh(copy: Counted | None, now: datetime, seconds: float) -> bool:
    return copy is not None and 0 <= (now - copy.at).total_seconds() < seconds


def by_area(session: Session, requirement: RequiredTraining, province_code: str | None,
            on: date, sort: str = "name", descending: bool = False) -> Counted:
    """``compliance.by_area`` sorted as asked, from a copy younger than the setting if this
    process holds one, and when its figures were counted."""
    kept_for = seconds()
    key, now = _key(requirement, province_code, on), clock.now()
    with _lock:
        copy = _copies.get(key)
    if not _fresh(copy, now, kept_for):
        copy = Counted(compliance.by_area(session, requirement, province_code, on), now)
        if kept_for > 0:
            _keep(key, copy, now, kept_for)
    rows = compliance.sort_rows(copy.report.rows, sort, descending)
    return Counted(compliance.Report(rows, copy.report.total), copy.at)


def _keep(key: tuple, copy: Counted, now: datetime, seconds: float) -> None:
    """Store a copy, first dropping those out of date (and, past MAX_COPIES, the oldest)."""
    with _lock:
        for old in [old for old, kept in _copies.items() if not _fresh(kept, now, seconds)]:
            del _copies[old]
        while len(_copies) >= MAX_COPIES:
            del _copies[min(_copies, key=lambda old: _copies[old].at)]
        _copies[key] = copy


def clear() -> None:
    """Forget every copy (tests)."""
    with _lock:
        _copies.clear()
