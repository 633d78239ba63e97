"""Statistics rollups, kept current in the same transaction as each event.

Two grains:

* per day and commune (``stats_daily_*``): the commune pages, and the rows that
  ``flask stats check`` compares with a recount of the raw tables;
* per pre-2025 province (``stats_area_*``), in totals, weeks and days: the national and
  provincial figures. A pre-2025 province lies in exactly one province of the 2025 map, so
  these rows serve both the 34- and the 63-province view, and a dashboard reads at most a
  few thousand rows (weeks, with days only for the partial weeks at the ends of a range).

In the area tables a registration has ``course_id`` 0: it belongs to no course, and a key
column cannot be NULL.

Every table's primary key ends with a ``shard`` that counts nothing: a figure is the sum of
the rows that share the other key columns (``keys.py`` says why, ``events.py`` how live
events pick one).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, MappedColumn, declared_attr, mapped_column

from onetouch.accounts.models import AudienceGroup
from onetouch.db import str_enum
from onetouch.extensions import db

NO_COURSE = 0
MEASURES = ("registrations", "assisted_signups", "enrolments", "completions", "certificates")


def shard_column() -> MappedColumn[int]:
    """The last column of the primary key; a recount writes 0, its default."""
    return mapped_column(primary_key=True, server_default=text("0"), sort_order=1)


class DailyRegistrations(db.Model):
    """Per day x commune x audience group: new learners, and how many were helped to sign up."""

    __tablename__ = "stats_daily_registrations"
    __table_args__ = (Index("ix_stats_daily_registrations_province_day", "province_code", "day"),)

    day: Mapped[date] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)
    audience: Mapped[AudienceGroup] = mapped_column(
        str_enum(AudienceGroup, "audience"), primary_key=True
    )
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    registrations: Mapped[int] = mapped_column(default=0)
    assisted_signups: Mapped[int] = mapped_column(default=0)
    shard: Mapped[int] = shard_column()


class DailyCourseActivity(db.Model):
    """Per day x commune x course x audience group: enrolments, completions, certificates."""

    __tablename__ = "stats_daily_course_activity"
    __table_args__ = (
        Index("ix_stats_daily_course_activity_province_day", "province_code", "day"),
    )

    day: Mapped[date] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    audience: Mapped[AudienceGroup] = mapped_column(
        str_enum(AudienceGroup, "audience"), primary_key=True
    )
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    enrolments: Mapped[int] = mapped_column(default=0)
    completions: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int] = mapped_column(default=0)
    shard: Mapped[int] = shard_column()


class AreaMeasures:
    """The key and the five figures shared by the area tables."""

    legacy_province_code: Mapped[str] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True)

    @declared_attr
    def audience(cls) -> Mapped[AudienceGroup]:  # noqa: N805 (a declared_attr)
        return mapped_column(str_enum(AudienceGroup, "audience"), primary_key=True)

    province_code: Mapped[str]
    registrations: Mapped[int] = mapped_column(default=0)
    assisted_signups: Mapped[int] = mapped_column(default=0)
    enrolments: Mapped[int] = mapped_column(default=0)
    completions: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int] = mapped_column(default=0)
    shard: Mapped[int] = shard_column()


class AreaTotal(AreaMeasures, db.Model):
    __tablename__ = "stats_area_totals"


class AreaWeek(AreaMeasures, db.Model):
    __tablename__ = "stats_area_weeks"

    week: Mapped[date] = mapped_column(primary_key=True)  # the Monday


class AreaDay(AreaMeasures, db.Model):
    __tablename__ = "stats_area_days"

    day: Mapped[date] = mapped_column(primary_key=True)


class NationalWeek(db.Model):
    """Per week x course x audience group, nationwide: the national time series reads a few
    thousand of these instead of summing every province's weeks."""

    __tablename__ = "stats_national_weeks"

    week: Mapped[date] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[AudienceGroup] = mapped_column(
        str_enum(AudienceGroup, "audience"), primary_key=True)
    registrations: Mapped[int] = mapped_column(default=0)
    assisted_signups: Mapped[int] = mapped_column(default=0)
    enrolments: Mapped[int] = mapped_column(default=0)
    completions: Mapped[int] = mapped_column(default=0)
    certificates: Mapped[int] = mapped_column(default=0)
    shard: Mapped[int] = shard_column()
