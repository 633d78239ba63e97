"""The consent of a helped person to an enrolment a team member made for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from onetouch.db import utcnow
from onetouch.extensions import db


class AssistedEnrolment(db.Model):
    """One enrolment a team member made with the person present and agreeing: who agreed
    (the learner), when, and by whose hand. Kept per act, so enrolling again is a new row."""

    __tablename__ = "assisted_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    # The helper's account may be deleted later: the learner's consent stays on record.
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    consented_at: Mapped[datetime] = mapped_column(default=utcnow)
