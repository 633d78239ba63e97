"""The team member's page (/assist) and enrolling a helped person, on its own blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from onetouch.accounts.services import confirmed_team_member
from onetouch.community import services
from onetouch.community.forms import AssistedEnrolForm
from onetouch.content.models import Course
from onetouch.core.params import page_number
from onetouch.core.rules import RuleError
from onetouch.extensions import db

bp = Blueprint("community", __name__)
INVALID = 422


@bp.get("/assist")
@login_required
def helped():
    """Anyone signed in may look: a member who helped nobody sees an empty list."""
    page = page_number(request.args)
    counts = services.counts(db.session, current_user)
    lines = services.helped_page(db.session, current_user, page)
    pages = max(1, -(-counts.helped // services.PAGE_SIZE))
    return render_template("community/helped.html", lines=lines, counts=counts, page=page,
                           pages=pages, team=confirmed_team_member(current_user))


@bp.route("/assist/<id:user_id>/enrol", methods=["GET", "POST"])
@login_required
def enrol(user_id: int):
    if not confirmed_team_member(current_user):
        return render_template("accounts/assist_forbidden.html"), 403
    try:
        learner = services.helped_person(db.session, current_user, user_id)
    except services.NotHelped:
        abort(404)
    courses = services.open_courses(db.session, learner)
    form = AssistedEnrolForm()
    form.course_id.choices = [(course.id, course.title) for course in courses]
    if form.validate_on_submit():
        try:
            services.enrol_helped(db.session, current_user, learner,
                                  db.session.get(Course, form.course_id.data),
                                  form.consent.data)
        except RuleError as error:
            (form[error.field] if error.field else form.course_id).errors.append(error.message)
        else:
            flash(_("Đã ghi danh %(name)s vào khóa học.", name=learner.full_name), "success")
            return redirect(url_for("community.helped"))
    status = INVALID if request.method == "POST" else 200
    return render_template("community/enrol.html", form=form, learner=learner), status
