"""Enrolments, per-module progress and required training."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course, Module
from onetouch.db import str_enum, utcnow
from onetouch.extensions import db


class Enrolment(db.Model):
    """One learner in one course; unique, so enrolling twice is still one enrolment."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # A learner's live and completed enrolments (in one course), from the index alone:
        # required-training status and the admins' learner list ask it of many learners.
        Index("ix_enrolments_user_course_state", "user_id", "course_id", "left_at",
              "completed_at", "certificate_revoked_at"),
        # The compliance dashboard: the enrolments of one course looked up by learner, state
        # included, close together in the index (a course's share of it, not the whole).
        Index("ix_enrolments_course_user_state", "course_id", "user_id", "left_at",
              "completed_at", "certificate_revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    # Set by the quizzes when the final exam is first passed; completion needs it.
    final_passed_at: Mapped[datetime | None]
    # Set by certificates when an admin revokes the certificate of this enrolment: required
    # training no longer counts the learner as having completed the course. Statistics keep
    # counting the completion (it happened); only compliance reopens.
    certificate_revoked_at: Mapped[datetime | None]
    last_module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    # The learner's commune and audience group when they enrolled: statistics count the
    # enrolment, its completion and its certificate there.
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"))
    audience: Mapped[AudienceGroup | None] = mapped_column(str_enum(AudienceGroup, "audience"))

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    progress: Mapped[list[ModuleProgress]] = relationship(back_populates="enrolment")


class ModuleProgress(db.Model):
    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship(back_populates="progress")
    module: Mapped[Module] = relationship()


class RequiredTraining(db.Model):
    """A course required of an audience group, nationally (no province) or in one province."""

    __tablename__ = "required_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    audience: Mapped[AudienceGroup] = mapped_column(str_enum(AudienceGroup, "audience"))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    starts_on: Mapped[date]
    deadline: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A name admins give it (the course title when empty), and its lifecycle: edited, cancelled
    # (kept for history, gone from learners' lists and reports' defaults).
    title: Mapped[str | None] = mapped_column(String(200))
    # Learners who enter the scope late (sign up, or are confirmed as officials) get this many
    # days from that day, if that ends after the deadline.
    grace_days: Mapped[int] = mapped_column(default=30, server_default="30")
    updated_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    course: Mapped[Course] = relationship()

    @property
    def name(self) -> str:
        return self.title or self.course.title
