"""Statistics rollups, kept current in the same transaction as each event.

Two tables rather than one: a registration belongs to no course, and a nullable course
column could not be part of the key that the upsert of each event relies on.
The province code is copied onto each row so that a per-province read needs no join.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from onetouch.accounts.models import AudienceGroup
from onetouch.db import str_enum
from onetouch.extensions import db


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
