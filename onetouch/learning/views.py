"""Enrol, leave, mark a lesson read, and the learner's own page. Owner: the logged-in user."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from onetouch.catalog import services as catalog
from onetouch.certificates.models import Certificate
from onetouch.core import clock
from onetouch.extensions import db
from onetouch.learning import bp, required, services


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


@bp.post("/courses/<slug>/leave")
@login_required
def leave(slug: str):
    course = _course_or_404(slug)
    enrolment = services.enrolment_of(db.session, current_user, course)
    if services.active(enrolment):
        services.leave(db.session, enrolment)
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
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == current_user.id)
        .order_by(Certificate.issued_at.desc())).all()
    return render_template(
        "learning/my_learning.html",
        current=[e for e in enrolments if e.completed_at is None],
        completed=[e for e in enrolments if e.completed_at is not None],
        progress=progress, requirements=requirements, by_course=by_course, today=today,
        certificates=certificates)
