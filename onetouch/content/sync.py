"""``flask courses sync``: the checked library into the database, in one transaction.

Rows are matched by slug (courses, modules) and by id (questions), so editing text keeps
learners' progress. What left the library is archived, never deleted. Each row keeps a
hash of what was stored; a row whose hash did not change is not touched, which makes a
second sync a no-op.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.content.library import CourseSource, Library, ModuleSource
from onetouch.content.models import Course, CourseAsset, Module, Question, Quiz, QuizKind
from onetouch.content.quizzes import QuizSource
from onetouch.db import utcnow
from onetouch.text import digest, fold

KINDS = ("courses", "modules", "quizzes", "questions", "assets")
OUTCOMES = ("added", "updated", "archived", "unchanged")


@dataclass
class SyncReport:
    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})

    def note(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def changed(self) -> bool:
        return any(n for c in self.counts.values() for o, n in c.items() if o != "unchanged")

    def lines(self) -> list[str]:
        lines = []
        for kind in KINDS:
            outcomes = [*OUTCOMES, *(["removed"] if self.counts[kind]["removed"] else [])]
            lines.append(f"{kind}: " + ", ".join(f"{self.counts[kind][o]} {o}" for o in outcomes))
        return lines


class _Sync:
    def __init__(self, session: Session, report: SyncReport) -> None:
        self.session = session
        self.report = report
        self.touched = False  # did anything of the current course change?

    def apply(self, kind: str, model, row, values: dict, content_hash: str | None = None):
        """Insert, update or leave one row, by comparing hashes of the stored values."""
        values = {**values, "content_hash": content_hash or digest(values)}
        if row is None:
            row = model(**values)
            self.session.add(row)
            outcome = "added"
        elif row.content_hash != values["content_hash"] or row.archived_at is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.archived_at = None
            outcome = "updated"
        else:
            outcome = "unchanged"
        self.report.note(kind, outcome)
        self.touched |= outcome != "unchanged"
        return row

    def archive(self, kind: str, rows) -> None:
        for row in rows:
            if row.archived_at is None:
                row.archived_at = utcnow()
                self.report.note(kind, "archived")
                self.touched = True


def sync_library(session: Session, library: Library, archive_missing: bool = True) -> SyncReport:
    """Bring the database in line with a checked library; the caller commits.

    :param archive_missing: archive courses absent from ``library`` (off when only
        some courses are synced).
    """
    report = SyncReport()
    sync = _Sync(session, report)
    existing = {course.slug: course for course in session.scalars(select(Course))}
    for source in library.courses:
        _sync_course(sync, existing.get(source.slug), source)
    if archive_missing:
        wanted = {source.slug for source in library.courses}
        gone = [c for slug, c in existing.items() if slug not in wanted and c.archived_at is None]
        sync.archive("courses", gone)
        for course in gone:
            course.updated_at = utcnow()  # moves the library version: caches let go
    session.flush()
    return report


def _sync_course(sync: _Sync, course: Course | None, source: CourseSource) -> None:
    sync.touched = False
    course = sync.apply("courses", Course, course, {
        "slug": source.slug, "title": source.title, "summary": source.summary,
        "audiences": source.audiences, "level": source.level,
        "estimated_hours": source.estimated_hours, "issuing_unit": source.issuing_unit,
        "province_code": source.province_code, "pass_percent": source.pass_percent,
        "has_certificate": source.has_certificate, "version": source.version,
        # Title, one separator, body: the layout the search index and snippets read.
        "search_text": fold(f"{source.title} {source.summary}"),
    })
    sync.session.flush()
    modules = _sync_modules(sync, course, source.modules)
    quizzes = _existing(sync.session, Quiz, Quiz.course_id == course.id)
    by_module = {quiz.module_id: quiz for quiz in quizzes.values() if quiz.module_id}
    final = next((q for q in quizzes.values() if q.kind is QuizKind.FINAL), None)
    kept = set()
    for module_source in source.modules:
        module = modules[module_source.slug]
        if module_source.quiz:
            quiz = _sync_quiz(sync, course, module, by_module.get(module.id), module_source.quiz)
            kept.add(quiz.id)
    if source.final_exam:
        kept.add(_sync_quiz(sync, course, None, final, source.final_exam).id)
    sync.archive("quizzes", [q for q in quizzes.values() if q.id not in kept])
    _sync_assets(sync, course, source)
    if sync.touched:
        course.updated_at = utcnow()


def _existing(session: Session, model, condition) -> dict:
    return {row.id: row for row in session.scalars(select(model).where(condition))}


def _sync_modules(sync: _Sync, course: Course, sources: list[ModuleSource]) -> dict:
    existing = {m.slug: m for m in _existing(sync.session, Module, Module.course_id == course.id)
                .values()}
    result = {}
    for source in sources:
        rendered = source.rendered
        result[source.slug] = sync.apply("modules", Module, existing.get(source.slug), {
            "course_id": course.id, "slug": source.slug, "position": source.position,
            "title": source.title, "estimated_minutes": source.minutes,
            "required": source.required, "html": rendered.html, "toc_html": rendered.toc_html,
            "word_count": rendered.word_count, "plain_text": rendered.plain_text,
            "search_text": fold(f"{source.title}\n{rendered.plain_text}"),  # as for courses
        })
    sync.archive("modules", [m for slug, m in existing.items() if slug not in result])
    sync.session.flush()
    return result


def _sync_quiz(sync: _Sync, course: Course, module: Module | None, quiz: Quiz | None,
               source: QuizSource) -> Quiz:
    questions = [{
        "key": q.key, "position": q.position, "kind": q.kind, "prompt_html": q.prompt_html,
        "options": q.options, "answer": q.answer, "explanation_html": q.explanation_html,
    } for q in source.questions]
    settings = {
        "course_id": course.id, "module_id": module.id if module else None,
        "kind": source.kind, "title": source.title, "draw": source.draw,
        "shuffle": source.shuffle, "pass_percent": source.pass_percent,
        "partial_credit": source.partial_credit, "attempt_limit": source.attempt_limit,
        "cooldown_seconds": source.cooldown_seconds,
        "time_limit_seconds": source.time_limit_seconds, "on_timeout": source.on_timeout,
    }
    # The quiz's hash covers its bank too, so an edited question shows on the quiz.
    bank_hash = digest({**settings, "bank": [digest(q) for q in questions]})
    quiz = sync.apply("quizzes", Quiz, quiz, settings, bank_hash)
    sync.session.flush()
    existing = {q.key: q for q in _existing(sync.session, Question, Question.quiz_id == quiz.id)
                .values()}
    for values in questions:
        sync.apply("questions", Question, existing.get(values["key"]),
                   {**values, "quiz_id": quiz.id})
    wanted = {values["key"] for values in questions}
    sync.archive("questions", [q for key, q in existing.items() if key not in wanted])
    return quiz


def _sync_assets(sync: _Sync, course: Course, source: CourseSource) -> None:
    """Assets are files, not learners' history: one no longer referenced is removed."""
    existing = {a.path: a for a in sync.session.scalars(
        select(CourseAsset).where(CourseAsset.course_id == course.id))}
    for path, asset in source.assets.items():
        row = existing.pop(path, None)
        if row is None:
            sync.session.add(CourseAsset(course_id=course.id, path=path, sha256=asset.sha256,
                                         content_type=asset.content_type, size=len(asset.data),
                                         data=asset.data))
            outcome = "added"
        elif row.sha256 != asset.sha256:
            row.sha256, row.data, row.size = asset.sha256, asset.data, len(asset.data)
            row.content_type = asset.content_type
            outcome = "updated"
        else:
            outcome = "unchanged"
        sync.report.note("assets", outcome)
        sync.touched |= outcome != "unchanged"
    for row in existing.values():
        sync.session.delete(row)
        sync.report.note("assets", "removed")
        sync.touched = True
