"""Certificates: issued once per learner and course, verifiable, revocable; and the status
lists that publish their revocation to any verifier (W3C Bitstring Status List v1.0)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onetouch.accounts.models import User
from onetouch.content.models import Course
from onetouch.db import utcnow
from onetouch.extensions import db


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), unique=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)  # e.g. OT-2026-7K3F-Q9XD
    token: Mapped[str] = mapped_column(String(64), unique=True)  # >= 128 random bits
    # What was certified, as it stood on the day: a later course edit changes nothing here.
    # The name is emptied when the learner deletes their account (privacy/erasure.py).
    learner_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float]
    issuing_unit: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    status: Mapped[StatusEntry | None] = relationship(viewonly=True)

    @property
    def learner_deleted(self) -> bool:
        """The learner deleted their account: the certificate stands, the name is gone."""
        return not self.learner_name


class StatusList(db.Model):
    """One published BitstringStatusListCredential: its bits and the signed document."""

    __tablename__ = "credential_status_lists"

    # The list's number in its address, /credentials/status/<id>; lists are never renumbered.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    purpose: Mapped[str] = mapped_column(String(16))  # "revocation"
    size: Mapped[int]  # entries (bits)
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    # The signed credential exactly as served: re-signed whenever a bit changes, in the same
    # transaction, so that a GET only reads it.
    document: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime]


class StatusEntry(db.Model):
    """A certificate's position in a status list, drawn at random and never given again."""

    __tablename__ = "credential_status_entries"

    list_id: Mapped[int] = mapped_column(ForeignKey("credential_status_lists.id"),
                                         primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # SET NULL, not CASCADE: a position whose certificate was deleted stays taken, so that
    # its bit (set if it was revoked) never passes to another certificate.
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL"), unique=True)
