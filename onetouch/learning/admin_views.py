"""Admin pages: required training, compliance reports, one learner's progress.

Every page checks the admin's scope: a province admin sees their province only.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup, User
from onetouch.catalog import services as catalog
from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.core.forms import options
from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.geo.services import provinces
from onetouch.learning import bp, required, services
from onetouch.learning.forms import RequiredTrainingForm
from onetouch.learning.models import RequiredTraining


def _scope_choices():
    if roles.is_ministry_admin(current_user):
        return options([("", _("Toàn quốc"))] + [(p.code, p.name) for p in provinces(db.session)])
    own = roles.admin_provinces(current_user)
    return options((p.code, p.name) for p in provinces(db.session) if p.code in own)


def _form() -> RequiredTrainingForm:
    form = RequiredTrainingForm()
    form.course_id.choices = options((c.id, c.title) for c in catalog.live_courses(db.session))
    form.province_code.choices = _scope_choices()
    return form


@bp.route("/admin/required", methods=["GET", "POST"])
@roles.admin_required
def required_trainings():
    form = _form()
    if form.validate_on_submit():
        course = db.session.get(Course, form.course_id.data)
        try:
            required.assign(db.session, current_user, course, AudienceGroup(form.audience.data),
                            form.province_code.data or None, form.starts_on.data,
                            form.deadline.data)
        except services.LearningError as error:
            form.deadline.errors = [*form.deadline.errors, error.message]
        else:
            flash(_("Đã giao khóa học bắt buộc."), "success")
            return redirect(url_for("learning.required_trainings"))
    status = 422 if form.errors else 200
    return render_template("learning/required_list.html", form=form,
                           requirements=required.visible_to(db.session, current_user)), status


@bp.get("/admin/required/<int:requirement_id>")
@roles.admin_required
def compliance(requirement_id: int):
    requirement = db.get_or_404(RequiredTraining, requirement_id)
    default = requirement.province_code or (
        None if roles.is_ministry_admin(current_user)
        else min(roles.admin_provinces(current_user)))
    province_code = request.args.get("province", default) or None
    if not required.may_view(current_user, requirement, province_code):
        abort(403)
    today = clock.today()
    rows = required.compliance(db.session, requirement, province_code, today)
    overdue = (required.overdue_learners(db.session, requirement, province_code, today)
               if province_code else [])
    return render_template(
        "learning/compliance.html", requirement=requirement, rows=rows, overdue=overdue,
        province=db.session.get(Province, province_code) if province_code else None,
        today=today, limit=required.OVERDUE_LIST_LIMIT)


@bp.get("/admin/learners/<int:user_id>")
@roles.admin_required
def learner(user_id: int):
    """One learner's progress, for the admins of the learner's province and the ministry."""
    user = db.get_or_404(User, user_id)
    if not roles.can_manage_province(current_user, user.province_code):
        abort(403)
    enrolments = services.enrolments_of(db.session, user)
    return render_template("learning/learner.html", learner=user, enrolments=enrolments,
                           progress=services.progress_by_enrolment(db.session, enrolments))
