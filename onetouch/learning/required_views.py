"""Admin routes of required training's lifecycle, on learning's blueprint (views.py calls
``add_routes``): the list and the form to require a course, editing and cancelling one. The
compliance dashboard is in compliance_views.py. Scope: a province admin changes their provinces'
requirements only (another's, or a national one, answers 403).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup
from onetouch.catalog import services as catalog
from onetouch.content.models import Course
from onetouch.core.forms import options
from onetouch.extensions import db
from onetouch.geo.services import provinces
from onetouch.learning import lifecycle, required
from onetouch.learning.forms import (
    CancelRequirementForm,
    RequiredTrainingForm,
    RequirementTermsForm,
)
from onetouch.learning.models import RequiredTraining
from onetouch.learning.services import LearningError

INVALID = 422


def add_routes(bp: Blueprint) -> None:
    for rule, endpoint, view, methods in (
        ("/admin/required", "required_trainings", required_trainings, ["GET", "POST"]),
        ("/admin/required/<id:requirement_id>/edit", "edit_requirement", edit_requirement,
         ["GET", "POST"]),
        ("/admin/required/<id:requirement_id>/cancel", "cancel_requirement",
         cancel_requirement, ["POST"]),
    ):
        bp.add_url_rule(rule, endpoint, view_func=roles.admin_required(view), methods=methods)


def _scope_choices():
    if roles.is_ministry_admin(current_user):
        return options([("", _("Toàn quốc"))] + [(p.code, p.name) for p in provinces(db.session)])
    own = roles.admin_provinces(current_user)
    return options((p.code, p.name) for p in provinces(db.session) if p.code in own)


def _terms(form: RequirementTermsForm) -> lifecycle.Terms:
    return lifecycle.Terms(
        audience=AudienceGroup(form.audience.data), province_code=form.province_code.data or None,
        deadline=form.deadline.data, title=form.title.data,
        grace_days=lifecycle.GRACE_DAYS if form.grace_days.data is None else form.grace_days.data,
        confirm_past=form.confirm_past.data)


def _show_error(form: RequirementTermsForm, error: LearningError) -> None:
    field = getattr(form, error.field or "deadline", form.deadline)
    field.errors = [*field.errors, error.message]


def required_trainings():
    form = RequiredTrainingForm()
    form.course_id.choices = options((c.id, c.title) for c in catalog.live_courses(db.session))
    form.province_code.choices = _scope_choices()
    if form.validate_on_submit():
        try:
            lifecycle.assign(db.session, current_user, db.session.get(Course, form.course_id.data),
                             form.starts_on.data, _terms(form))
        except LearningError as error:
            _show_error(form, error)
        else:
            flash(_("Đã giao khóa học bắt buộc."), "success")
            return redirect(url_for("learning.required_trainings"))
    status = INVALID if form.errors else 200
    return render_template("learning/required_list.html", form=form,
                           requirements=required.visible_to(db.session, current_user),
                           may_change=lambda r: lifecycle.may_change(current_user, r)), status


def _changeable(requirement_id: int) -> RequiredTraining:
    requirement = db.get_or_404(RequiredTraining, requirement_id)
    if not lifecycle.may_change(current_user, requirement):
        abort(403)
    return requirement


def _edit_page(requirement, form, cancel_form, status: int = 200):
    scope = lifecycle.scope_name(db.session, requirement.province_code)
    return render_template("learning/required_edit.html", requirement=requirement, form=form,
                           cancel_form=cancel_form, scope=scope), status


def edit_requirement(requirement_id: int):
    requirement = _changeable(requirement_id)
    form = RequirementTermsForm(obj=requirement)
    form.province_code.choices = _scope_choices()
    if form.validate_on_submit():
        try:
            changes = lifecycle.edit(db.session, current_user, requirement, _terms(form))
        except LearningError as error:
            if requirement.cancelled_at is not None:  # the page has no form to show it on
                flash(error.message, "error")
                return redirect(url_for("learning.required_trainings"))
            _show_error(form, error)
        else:
            flash(_("Đã lưu thay đổi: %(changes)s.", changes="; ".join(changes)) if changes
                  else _("Không có gì thay đổi."), "success")
            return redirect(url_for("learning.required_trainings"))
    status = INVALID if form.errors else 200
    return _edit_page(requirement, form, CancelRequirementForm(), status)


def cancel_requirement(requirement_id: int):
    requirement = _changeable(requirement_id)
    cancel_form = CancelRequirementForm()
    if cancel_form.validate_on_submit():
        try:
            lifecycle.cancel(db.session, current_user, requirement)
        except LearningError as error:
            flash(error.message, "error")
        else:
            flash(_("Đã hủy yêu cầu “%(name)s”; yêu cầu vẫn được giữ trong lịch sử.",
                    name=requirement.name), "success")
        return redirect(url_for("learning.required_trainings"))
    form = RequirementTermsForm(obj=requirement, formdata=None)
    form.province_code.choices = _scope_choices()
    return _edit_page(requirement, form, cancel_form, INVALID)
