"""The privacy notice, consent to it, and the learner's own data: a copy (JSON or a printable
page), and deleting the account or withdrawing consent. Each request is answered at once and
written to the security log; a deletion also to the audit log."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from onetouch.accounts import consent
from onetouch.accounts import session as user_session
from onetouch.core import clock, security_log
from onetouch.core.urls import safe_next
from onetouch.extensions import db
from onetouch.privacy import erasure, export, gate
from onetouch.privacy.forms import AcceptForm, DeleteForm

bp = Blueprint("privacy", __name__)
bp.before_app_request(gate.ask_for_consent)

INVALID = 422


def _notice_context() -> dict:
    return {"version": consent.NOTICE_VERSION, "effective": consent.NOTICE_DATE,
            "notice": f"privacy/notice/{consent.NOTICE_VERSION}.html"}


@bp.get("/privacy")
def notice():
    return render_template("privacy/notice.html", **_notice_context())


@bp.route("/privacy/accept", methods=["GET", "POST"])
@login_required
def accept():
    target = safe_next(request.args.get("next"), url_for("learning.my_learning"))
    form = AcceptForm()
    if not consent.needs_acceptance(current_user):
        return redirect(target)
    if form.validate_on_submit():
        consent.accept(db.session, current_user)
        flash(_("Cảm ơn bạn. Đã ghi nhận sự đồng ý của bạn với thông báo phiên bản %(version)s.",
                version=consent.NOTICE_VERSION), "success")
        return redirect(target)
    return render_template("privacy/accept.html", form=form, **_notice_context())


@bp.get("/profile/data")
@login_required
def my_data():
    return render_template("privacy/data.html", consents=consent.history(db.session,
                                                                         current_user))


def _copy() -> dict:
    security_log.event("data_exported", user=current_user.id, format=request.endpoint)
    return export.personal_data(db.session, current_user, clock.now())


@bp.get("/profile/data.json")
@login_required
def export_json():
    body = json.dumps(_copy(), ensure_ascii=False, indent=2)
    day = clock.today().isoformat()
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="onetouch-du-lieu-ca-nhan-{day}.json"'})


@bp.get("/profile/data/print")
@login_required
def export_page():
    return render_template("privacy/report.html", data=_copy())


def _delete_page(**_args) -> str:
    return url_for("privacy.delete_account")


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteForm()
    blocked = _blocked()
    if request.method == "POST":
        return _delete(form, blocked)
    return render_template("privacy/delete.html", form=form, blocked=blocked)


def _blocked() -> str | None:
    try:
        erasure.check_deletable(current_user)
    except erasure.ErasureError as error:
        return error.message
    return None


@user_session.recent_login_required(back=_delete_page)
def _delete(form: DeleteForm, blocked: str | None):
    if blocked or not form.validate_on_submit():
        return render_template("privacy/delete.html", form=form, blocked=blocked), INVALID
    erasure.delete_account(db.session, current_user, erasure.Reason(form.reason.data),
                           actor=current_user)
    user_session.log_out("account_deleted")
    flash(_("Tài khoản của bạn đã được xóa. Dữ liệu cá nhân đã được ẩn danh; các chứng chỉ đã "
            "cấp vẫn giữ hiệu lực."), "success")
    return redirect(url_for("catalog.home"))
