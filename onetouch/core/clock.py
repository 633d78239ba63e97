"""Days as they are in Việt Nam: deadlines, statistics and certificates all count in them,
whatever zone the server runs in."""

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
    return local_day(moment).strftime("%d/%m/%Y")
