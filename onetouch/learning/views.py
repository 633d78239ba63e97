"""Enrol, leave, mark a lesson read, and the learner's own page (owner: the logged-in user);
admin pages for required training and compliance (scope: a province admin sees their
province only); the learners' list and pages are in ``onetouch/learners``."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from onetouch.accounts.models import User
from onetouch.catalog import services as catalog
from onetouch.core import clock
from onetouch.extensions import db
from onetouch.learning import compliance_views, required, required_views, services

bp = Blueprint("learning", __name__)
required_views.add_routes(bp)  # requiring a course, editing and cancelling requirements
compliance_views.add_routes(bp)  # the compliance dashboard, its lists and exports
SECTIONS = "onetouch.my_learning_sections"


def add_my_learning_section(app, render: Callable[[User], Markup]) -> None:
    """Let a feature built on learning add a section to "My learning" (certificates lists the
    learner's certificates there) without learning importing it: the wiring is in
    ``onetouch/listeners.py``."""
    app.extensions.setdefault(SECTIONS, []).append(render)


def _course_or_404(slug: str):
    return catalog.course_by_slug(db.session, slug) or abort(404)


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    course = _course_or_404(slug)
    try:
        enrolment = services.enrol(db.session, current_user, course)
    except services.LearningError as error:
        flash(error.message, "error")
        return redirect(url_for("catalog.course", slug=slug))
    modules = catalog.syllabus(db.session, course)
    first = next((m for m in modules if m.id == enrolment.last_module_id), None) or (
        modules[0] if modules else None)
    flash(_("Bạn đã ghi danh khóa học “%(title)s”.", title=course.title), "success")
    if first is None:
        return redirect(url_for("catalog.course", slug=slug))
    return redirect(url_for("catalog.lesson", slug=slug, module_slug=first.slug))


@bp.get("/courses/<slug>/leave")
@login_required
def confirm_leave(slug: str):
    """Leaving asks first, on a page of its own (no script needed); a completed course says
    why it cannot be left."""
    course = _course_or_404(slug)
    enrolment = services.enrolment_of(db.session, current_user, course)
    return render_template("learning/leave.html", course=course, enrolment=enrolment,
                           active=services.active(enrolment))


@bp.post("/courses/<slug>/leave")
@login_required
def leave(slug: str):
    course = _course_or_404(slug)
    if request.form.get("confirm") != "1":
        return redirect(url_for("learning.confirm_leave", slug=slug))
    enrolment = services.enrolment_of(db.session, current_user, course)
    if services.active(enrolment):
        try:
            services.leave(db.session, enrolment)
        except services.LearningError as error:
            flash(error.message, "info")
        else:
            flash(_("Bạn đã rời khóa học. Tiến độ vẫn được giữ nếu bạn quay lại."), "info")
    return redirect(url_for("catalog.course", slug=slug))


@bp.post("/courses/<slug>/<module_slug>/done")
@login_required
def mark_read(slug: str, module_slug: str):
    found = catalog.lesson(db.session, slug, module_slug) or abort(404)
    enrolment = services.enrolment_of(db.session, current_user, found.course)
    if not services.active(enrolment):
        abort(403)
    try:
        services.mark_read(db.session, enrolment, found.module)
    except services.LearningError as error:
        flash(error.message, "error")
        return redirect(url_for("catalog.lesson", slug=slug, module_slug=module_slug))
    flash(_("Đã hoàn thành bài “%(title)s”.", title=found.module.title), "success")
    target = found.next or found.module
    return redirect(url_for("catalog.lesson", slug=slug, module_slug=target.slug))


@bp.get("/my/learning")
@login_required
def my_learning():
    enrolments = services.enrolments_of(db.session, current_user)
    progress = services.progress_by_enrolment(db.session, enrolments)
    today = clock.today()
    requirements = required.for_learner(db.session, current_user, today)
    by_course = {e.course_id: e for e in enrolments}
    sections = [render(current_user) for render in current_app.extensions.get(SECTIONS, ())]
    return render_template(
        "learning/my_learning.html",
        current=[e for e in enrolments if e.completed_at is None],
        completed=[e for e in enrolments if e.completed_at is not None],
        progress=progress, requirements=requirements, by_course=by_course, today=today,
        deadlines={r.id: required.own_deadline(r, current_user) for r in requirements},
        sections=sections)


