"""Reading the synced library: catalogue, course pages, lessons. No Markdown here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from onetouch.content.models import Course, CourseAsset, Module
from onetouch.text import sorted_names


def live_courses(session: Session, audience: str | None = None) -> list[Course]:
    courses = sorted_names(session.scalars(select(Course).where(Course.archived_at.is_(None))),
                           name=lambda course: course.title)
    return [c for c in courses if audience is None or audience in c.audiences]


def audience_counts(courses: list[Course]) -> Counter:
    return Counter(group for course in courses for group in course.audiences)


def course_by_slug(session: Session, slug: str) -> Course | None:
    return session.scalar(select(Course).where(Course.slug == slug, Course.archived_at.is_(None)))


def syllabus(session: Session, course: Course) -> list[Module]:
    """The live modules of a course in order, without their (large) HTML."""
    return list(session.scalars(
        select(Module)
        .options(load_only(Module.id, Module.slug, Module.title, Module.position,
                           Module.estimated_minutes, Module.word_count, Module.required))
        .where(Module.course_id == course.id, Module.archived_at.is_(None))
        .order_by(Module.position)
    ))


@dataclass
class Lesson:
    course: Course
    module: Module
    modules: list[Module]
    html: str
    toc_html: str

    def _neighbour(self, step: int) -> Module | None:
        index = self.modules.index(self.module) + step
        return self.modules[index] if 0 <= index < len(self.modules) else None

    @property
    def previous(self) -> Module | None:
        return self._neighbour(-1)

    @property
    def next(self) -> Module | None:
        return self._neighbour(1)


def lesson(session: Session, course_slug: str, module_slug: str) -> Lesson | None:
    course = course_by_slug(session, course_slug)
    if course is None:
        return None
    modules = syllabus(session, course)
    module = next((m for m in modules if m.slug == module_slug), None)
    if module is None:
        return None
    html, toc = session.execute(
        select(Module.html, Module.toc_html).where(Module.id == module.id)
    ).one()
    return Lesson(course, module, modules, html, toc)


def asset(session: Session, course_slug: str, path: str) -> CourseAsset | None:
    """The asset's metadata; its bytes load only when they are sent."""
    return session.scalar(
        select(CourseAsset).join(Course, Course.id == CourseAsset.course_id)
        .where(Course.slug == course_slug, Course.archived_at.is_(None), CourseAsset.path == path)
    )
