"""Courses as synced from ``courses/``: modules with rendered HTML, quizzes and questions.

Nothing here is ever deleted by a sync: a module or question that left the library is
archived, so that old progress, attempts and certificates stay explainable.
"""

from __future__ import annotations

import enum
import math
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onetouch.db import str_enum, utcnow
from onetouch.extensions import db

WORDS_PER_MINUTE = 200  # an unhurried adult reading Vietnamese on a phone


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    audiences: Mapped[list]  # AudienceGroup values
    level: Mapped[str] = mapped_column(String(20))
    estimated_hours: Mapped[float]
    issuing_unit: Mapped[str] = mapped_column(String(200))
    # A province's own course is offered only to learners of that province.
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    pass_percent: Mapped[int]
    has_certificate: Mapped[bool]
    version: Mapped[str] = mapped_column(String(20))
    # Folded (no accents, lower-case) title, a space, and summary: what search matches
    # against. The search index (onetouch/content/search_index.py) takes the first
    # len(title) characters as the title: keep the title first, then one separator.
    search_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class Module(db.Model):
    """A lesson. ``html`` is rendered and sanitised at sync time and served as it is."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    estimated_minutes: Mapped[int]
    required: Mapped[bool] = mapped_column(default=True)
    html: Mapped[str] = mapped_column(Text, deferred=True)
    toc_html: Mapped[str] = mapped_column(Text, default="", deferred=True)
    word_count: Mapped[int] = mapped_column(default=0)
    # The lesson as plain text, and the title, a newline and the lesson folded (no accents,
    # lower-case, same length): search matches in the folded text and cuts its snippet from
    # the plain one. The search index reads the title and the body apart (see Course).
    plain_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))


class CourseAsset(db.Model):
    """An image or document beside the lessons, stored at sync time so any server can serve it."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class QuizKind(enum.StrEnum):
    MODULE = "module"
    FINAL = "final"


class OnTimeout(enum.StrEnum):
    """What a submission after the time limit (and its grace) gets."""

    GRADE_SAVED = "grade_saved"  # the answers saved before the limit are graded
    EXPIRE = "expire"  # the attempt is marked expired, with no score


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    TEXT = "text"
    NUMBER = "number"


class Quiz(db.Model):
    """A module quiz or a course's final exam, with the rules of its attempts."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), unique=True)
    kind: Mapped[QuizKind] = mapped_column(str_enum(QuizKind, "quiz_kind"))
    title: Mapped[str] = mapped_column(String(200))
    draw: Mapped[int | None]  # questions per attempt; None means all of them
    shuffle: Mapped[bool] = mapped_column(default=True)
    pass_percent: Mapped[int]
    partial_credit: Mapped[bool] = mapped_column(default=False)
    attempt_limit: Mapped[int | None]
    cooldown_seconds: Mapped[int] = mapped_column(default=0)
    time_limit_seconds: Mapped[int | None]
    on_timeout: Mapped[OnTimeout] = mapped_column(
        str_enum(OnTimeout, "on_timeout"), default=OnTimeout.GRADE_SAVED,
        server_default=OnTimeout.GRADE_SAVED.value)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived_at: Mapped[datetime | None]

    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position"
    )


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))  # stable id given by the author
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    prompt_html: Mapped[str] = mapped_column(Text)
    options: Mapped[list]  # [{"id": "a", "html": "..."}]; empty for text and number
    answer: Mapped[dict]  # the key: option ids, accepted texts, or a number and tolerance
    explanation_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    archived_at: Mapped[datetime | None]

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
