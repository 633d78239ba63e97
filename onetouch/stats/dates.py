"""Days as the statistics pages show them: 01/12/2026, and a week by its Monday, 30/11.
ISO dates stay in the query parameters, the exports and the API."""

from __future__ import annotations

from datetime import date

from onetouch.core.clock import date_text


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def day_text(value: date | str) -> str:
    """01/12/2026: day, month, year, as Vietnamese write them (the house's one style)."""
    return date_text(_as_date(value))


def week_label(value: date | str) -> str:
    """30/11: the Monday a week starts on, for the axis of a chart (the year is in the
    table beside it)."""
    day = _as_date(value)
    return f"{day.day:02d}/{day.month:02d}"
