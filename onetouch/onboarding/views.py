"""/admin/import: upload, preview, confirm (the answer is the report), and the template file.

Province admins import into their own province(s) only; ministry admins into any. The upload's
rows wait in the database between the preview and the confirmation (``ImportUpload``).
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from onetouch.accounts import roles
from onetouch.accounts.phone import display_phone
from onetouch.content.models import Course
from onetouch.core import exports, params
from onetouch.core.forms import options
from onetouch.extensions import db, limiter
from onetouch.geo.services import provinces
from onetouch.onboarding import reading, report, services
from onetouch.onboarding import rows as judged
from onetouch.onboarding.forms import ConfirmForm, UploadForm

bp = Blueprint("onboarding", __name__)
INVALID = 422
UPLOAD_LIMIT = 16 * 1024 * 1024  # a 100,000-row file still arrives, to be told it is too long
CHOICE = re.compile(r"^commune_(\d{1,6})$")


def _upload_form() -> UploadForm:
    form = UploadForm()
    mine = roles.admin_provinces(current_user)
    form.province_code.choices = options(
        (p.code, p.name) for p in provinces(db.session)
        if roles.is_ministry_admin(current_user) or p.code in mine)
    if len(form.province_code.choices) == 1 and request.method == "GET":
        form.province_code.data = form.province_code.choices[0].value
    return form


@bp.route("/admin/import", methods=["GET", "POST"])
@params.larger_body(UPLOAD_LIMIT)
@limiter.limit("30 per hour", methods=["POST"])  # each upload is parsed and stored
@roles.admin_required
def upload():
    form = _upload_form()
    if not form.validate_on_submit():
        return render_template("onboarding/upload.html", form=form), INVALID if form.errors else 200
    if not roles.can_manage_province(current_user, form.province_code.data):
        abort(403)
    try:
        with form.file.data.stream as stream:  # closed now: a large one is a temporary file
            table = reading.read(stream.read(UPLOAD_LIMIT + 1), form.file.data.filename or "")
    except reading.FileRefused as refused:
        form.file.errors = [refused.message]
        return render_template("onboarding/upload.html", form=form), INVALID
    stored = services.store(db.session, table, form.province_code.data,
                            form.file.data.filename or "", current_user)
    return redirect(url_for("onboarding.preview", upload_id=stored.id))


def _own_upload(upload_id: str):
    stored = services.pending(db.session, upload_id[:32])
    if stored is None:
        abort(404)
    if not roles.can_manage_province(current_user, stored.province_code):
        abort(403)
    return stored


def _confirm_form(province_code: str) -> ConfirmForm:
    form = ConfirmForm()
    courses = db.session.scalars(select(Course).where(
        Course.archived_at.is_(None),
        (Course.province_code.is_(None)) | (Course.province_code == province_code))
        .order_by(Course.title))
    form.courses.choices = options((c.slug, c.title) for c in courses)
    return form


@bp.get("/admin/import/<upload_id>")
@roles.admin_required
def preview(upload_id: str):
    stored = _own_upload(upload_id)
    if stored.confirmed_at is not None:
        return render_template("onboarding/preview.html", upload=stored, rows=[], form=None)
    rows = judged.judge(db.session, stored.province_code, stored.rows)
    return render_template("onboarding/preview.html", upload=stored, rows=rows,
                           form=_confirm_form(stored.province_code),
                           counts=_counts(rows), display_phone=display_phone)


def _counts(rows: list[judged.Row]) -> dict[str, int]:
    return {status: sum(row.status == status for row in rows)
            for status in (judged.NEW, judged.EXISTING, judged.ERROR)}


def _choices() -> dict[int, str]:
    return {int(match.group(1)): value[:5] for key, value in request.form.items()
            if (match := CHOICE.match(key)) and value.isdigit()}


@bp.post("/admin/import/<upload_id>/confirm")
@roles.admin_required
def confirm(upload_id: str):
    """The answer is the report, with the one-time codes: it is shown this once."""
    stored = _own_upload(upload_id)
    form = _confirm_form(stored.province_code)
    if not form.validate_on_submit():
        abort(400)
    try:
        courses = services.courses_for(db.session, stored.province_code,
                                       form.courses.data or [])
        outcome = services.confirm(db.session, stored, courses, current_user, _choices())
    except services.OnboardingError as error:
        flash(error.message, "error")
        return redirect(url_for("onboarding.upload"))
    return exports.send(report.HEADER, report.rows(outcome), "bao-cao-nhap-danh-sach", "csv")


@bp.get("/admin/import/template.<kind>")
@roles.admin_required
def template(kind: str):
    if kind not in exports.KINDS:
        abort(404)
    example = ("Nguyễn Văn An", "0912 345 678", "an.nguyen@example.vn", "Phường Ba Đình",
               "Cán bộ, lãnh đạo cấp xã", "Công chức Văn phòng - Thống kê")
    return exports.send(reading.HEADER, [example], "mau-nhap-danh-sach", kind)
