"""Days as they are in Việt Nam: deadlines, statistics and certificates all count in them,
whatever zone the server runs in; and the one way dates are shown to people (01/12/2026,
06:31, 01/12/2026). ISO dates are for files and APIs only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIMEZONE_NAME = "Asia/Ho_Chi_Minh"
VIETNAM = ZoneInfo(TIMEZONE_NAME)


def now() -> datetime:
    """The present moment, aware UTC. Session and throttle rules read the time here, so a test
    can move it forward in one place."""
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The date in Việt Nam of an aware moment."""
    return moment.astimezone(VIETNAM).date()


def today() -> date:
    """Today in Việt Nam."""
    return datetime.now(VIETNAM).date()


def local_date(moment: datetime) -> str:
    """The day of ``moment`` in Việt Nam as printed on certificates: 31/12/2026."""
    return date_text(moment)


def _local(moment: datetime) -> datetime:
    # A moment without a zone is one of ours, which are all UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(VIETNAM)


def date_text(value: date | datetime | str | None) -> str:
    """01/12/2026: a day (a moment's day in Việt Nam), day first, as Vietnamese write it;
    "" for nothing. A string is read as ISO (a date, or a moment from a file)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    day = _local(value).date() if isinstance(value, datetime) else value
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def datetime_text(value: datetime | str | None) -> str:
    """06:31, 01/12/2026: a moment in Việt Nam time, the hour first; "" for nothing."""
    if not value:
        return ""
    moment = _local(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return f"{moment:%H:%M}, {date_text(moment)}"
