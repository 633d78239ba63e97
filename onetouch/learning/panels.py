"""What learning adds to catalogue pages: the enrol button, progress, "mark as read".

Catalogue templates call ``course_panel`` and ``lesson_panel`` when they exist; the catalogue
itself knows nothing of learning. Showing a lesson writes nothing: what a learner has done is
recorded by the POSTs that mark a lesson read or grade a quiz.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from onetouch.content.models import Course, Module
from onetouch.extensions import db
from onetouch.learning import services


def course_panel(course: Course, modules: list[Module]) -> Markup:
    state = _state(course)
    if state and state["enrolment"] is not None:
        progress = services.progress_by_enrolment(db.session, [state["enrolment"]])
        state["progress"] = progress[state["enrolment"].id]
        state["resume"] = _resume(state["enrolment"], modules, state["done"])
    return _fragment("learning/course_panel.html", course=course, state=state, modules=modules)


def lesson_panel(course: Course, module: Module) -> Markup:
    state = _state(course)
    if state is not None:
        state["quiz"] = services.module_quiz(db.session, module)
    return _fragment("learning/lesson_panel.html", course=course, module=module, state=state)


def _fragment(template: str, **context) -> Markup:
    # Rendered by Jinja with autoescaping on: already safe HTML, not raw input.
    return Markup(render_template(template, **context))  # noqa: S704


def _state(course: Course) -> dict | None:
    """None for a visitor; otherwise the active enrolment (or None) and completed modules."""
    if not current_user.is_authenticated:
        return None
    enrolment = services.enrolment_of(db.session, current_user, course)
    if not services.active(enrolment):
        return {"enrolment": None, "done": set()}
    return {"enrolment": enrolment, "done": services.completed_module_ids(db.session, enrolment)}


def _resume(enrolment, modules: list[Module], done: set[int]) -> Module | None:
    """Where to continue: the last lesson opened if unfinished, else the first unfinished."""
    by_id = {m.id: m for m in modules}
    last = by_id.get(enrolment.last_module_id)
    if last is not None and last.id not in done:
        return last
    return next((m for m in modules if m.id not in done), last or (modules[0] if modules else None))


def template_globals() -> dict:
    return {"course_panel": course_panel, "lesson_panel": lesson_panel}


