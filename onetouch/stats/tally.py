"""Rollup figures counted in memory, for loads that write many events at once.

The live path (``events.py``) adds each event to its rollup rows with an upsert as it
happens. A bulk load (``flask demo seed``) counts its events here instead and adds the sums.
The keys and the figures are the same, and ``flask stats check`` compares both with a recount
of the raw tables.

Counting millions of events in Python is only cheap with plain integers, so:

* moments are whole seconds since 1970-01-01 UTC, and days are numbered from that date;
* communes, pre-2025 provinces and audience groups are numbered in the order of their codes;
* a rollup key is packed into one integer, day first, then place, course and audience group:
  the order of the tables' primary keys, so sorting the integers sorts the rows as the
  tables store them, which makes them cheaper to insert.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from onetouch.accounts.models import AudienceGroup
from onetouch.stats.models import MEASURES

DAY_SECONDS = 86_400
VIETNAM_OFFSET = 7 * 3600  # UTC+7 all year: statistics count days as they are in Việt Nam
EVENTS = REGISTERED, ENROLLED, COMPLETED, CERTIFIED = range(4)  # what a tally counts
AUDIENCES = sorted(group.value for group in AudienceGroup)

DAY_SHIFT, PLACE_SHIFT, COURSE_SHIFT = 40, 24, 4  # 16 bits of place, 20 of course, 4 of audience
PLACE_MASK, COURSE_MASK, AUDIENCE_MASK = 0xFFFF, 0xFFFFF, 0xF
BELOW_DAY = (1 << DAY_SHIFT) - 1
NO_PLACE = ~(PLACE_MASK << PLACE_SHIFT)

TABLES = {
    # table: (key columns, other columns, figure columns)
    "stats_daily_registrations": (("day", "commune_code", "audience"), ("province_code",),
                                  ("registrations", "assisted_signups")),
    "stats_daily_course_activity": (("day", "commune_code", "course_id", "audience"),
                                    ("province_code",),
                                    ("enrolments", "completions", "certificates")),
    "stats_area_totals": (("legacy_province_code", "course_id", "audience"),
                          ("province_code",), MEASURES),
    "stats_area_weeks": (("week", "legacy_province_code", "course_id", "audience"),
                         ("province_code",), MEASURES),
    "stats_area_days": (("day", "legacy_province_code", "course_id", "audience"),
                        ("province_code",), MEASURES),
    "stats_national_weeks": (("week", "course_id", "audience"), (), MEASURES),
}


def local_day(seconds: int) -> int:
    return (seconds + VIETNAM_OFFSET) // DAY_SECONDS


def monday(day: int) -> int:
    return day - (day + 3) % 7  # day 0, 1970-01-01, was a Thursday


def pack(day: int, place: int, course: int, audience: int) -> int:
    return (day << DAY_SHIFT) | (place << PLACE_SHIFT) | (course << COURSE_SHIFT) | audience


def unpack(key: int) -> tuple[int, int, int, str]:
    """(day, place number, course id, audience group value)."""
    return (key >> DAY_SHIFT, (key >> PLACE_SHIFT) & PLACE_MASK,
            (key >> COURSE_SHIFT) & COURSE_MASK, AUDIENCES[key & AUDIENCE_MASK])


class Places:
    """Communes and pre-2025 provinces, numbered in the order of their codes."""

    def __init__(self, communes: list[tuple[str, str, str]]) -> None:
        """``communes``: (commune code, province code, pre-2025 province code)."""
        self.communes = sorted(communes)
        self.legacy = sorted({(legacy, province) for _, province, legacy in communes})
        number = {code: n for n, (code, _) in enumerate(self.legacy)}
        # A commune's pre-2025 province, already shifted into place in a key.
        self.legacy_bits = [number[legacy] << PLACE_SHIFT for _, _, legacy in self.communes]


class Areas:
    """Events counted per day, pre-2025 province, course and audience group, for the area and
    national rollups of a whole load: they have few rows, which are written once, at the end.
    """

    def __init__(self, places: Places) -> None:
        self.places = places
        self.days = [Counter() for _ in EVENTS]

    def rows(self, date: Callable[[int], Any]) -> Iterator[tuple[str, list[tuple]]]:
        """(table, rows) for the four area tables, as ``Tally.commune_rows``; the largest
        first, so that they can be written while the others are summed."""
        yield "stats_area_days", self._rows(self.days, date)
        weeks = [_regroup(counter, lambda key: (monday(key >> DAY_SHIFT) << DAY_SHIFT)
                          | (key & BELOW_DAY)) for counter in self.days]
        yield "stats_area_weeks", self._rows(weeks, date)
        totals = [_regroup(counter, lambda key: key & BELOW_DAY) for counter in weeks]
        yield "stats_area_totals", [row[1:] for row in self._rows(totals, date)]
        national = [_regroup(counter, lambda key: key & NO_PLACE) for counter in weeks]
        yield "stats_national_weeks", [(row[0], *row[2:4], *row[5:])
                                       for row in self._rows(national, date)]

    def _rows(self, counters: list[Counter], date: Callable[[int], Any]) -> list[tuple]:
        """(date, pre-2025 province, course, audience, province, MEASURES...) in key order."""
        registered, enrolled, completed, certified = counters
        rows = []
        for key in _sorted_keys(counters):
            day, legacy, course, audience = unpack(key)
            code, province = self.places.legacy[legacy]
            rows.append((date(day), code, course, audience, province, registered[key], 0,
                         enrolled[key], completed[key], certified[key]))
        return rows


class Tally:
    """Events counted per day, commune, course and audience group: the commune rollups of
    one batch of a load. Each event is also counted in the load's ``Areas``."""

    def __init__(self, areas: Areas) -> None:
        self.places, self.areas = areas.places, areas
        self.communes = [Counter() for _ in EVENTS]

    def count(self, event: int, seconds: int, commune: int, course_id: int,
              audience: int) -> None:
        """An ``event`` (one of EVENTS) at ``seconds``; commune and audience by number."""
        key = pack(local_day(seconds), commune, course_id, audience)
        counts = self.communes[event]
        counts[key] = counts.get(key, 0) + 1  # Counter's own += calls Python for a new key
        key = (key & NO_PLACE) | self.places.legacy_bits[commune]
        counts = self.areas.days[event]
        counts[key] = counts.get(key, 0) + 1

    def commune_rows(self, date: Callable[[int], Any]) -> list[tuple[str, list[tuple]]]:
        """(table, rows) for the two commune tables, each row in TABLES' column order and
        the rows in primary key order; ``date`` turns a day number into what the driver
        takes."""
        communes = self.places.communes
        registered, enrolled, completed, certified = self.communes
        registrations = []
        for key in sorted(registered):
            day, commune, _course, audience = unpack(key)
            code, province, _ = communes[commune]
            registrations.append((date(day), code, audience, province, registered[key], 0))
        activity = []
        for key in _sorted_keys(self.communes[1:]):
            day, commune, course, audience = unpack(key)
            code, province, _ = communes[commune]
            activity.append((date(day), code, course, audience, province, enrolled[key],
                             completed[key], certified[key]))
        return [("stats_daily_registrations", registrations),
                ("stats_daily_course_activity", activity)]


def _sorted_keys(counters: list[Counter]) -> list[int]:
    # The keys alone: a list of integers sorts five times faster than (key, count) pairs.
    return sorted(set().union(*counters))


def _regroup(counter: Counter, coarser: Callable[[int], int]) -> Counter:
    """Sum the counts of ``counter`` under coarser keys."""
    target: Counter = Counter()
    for key, n in counter.items():
        target[coarser(key)] += n
    return target
