"""The learner's notifications page, marking read (POST only), the choice of channels, and the
unread count in the header."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from onetouch.core import clock
from onetouch.extensions import db, limiter
from onetouch.notifications import reset_by_sms, services
from onetouch.notifications.forms import ChannelsForm, CodeBySmsForm, MarkReadForm
from onetouch.notifications.messages import PAGE_PATH

bp = Blueprint("notifications", __name__)

INVALID = 422


@bp.app_context_processor
def header_count() -> dict:
    """A function, called by base.html only for a logged-in visitor: anonymous pages (and the
    page cache's) ask nothing."""
    return {"unread_notifications": lambda: services.unread_count(db.session, current_user.id),
            "code_by_sms_offered": reset_by_sms.offered}


def when(moment: datetime) -> str:
    return clock.datetime_text(moment)


@bp.get(PAGE_PATH)
@login_required
def index():
    return render_template("notifications/index.html",
                           notes=services.latest(db.session, current_user.id),
                           form=MarkReadForm(), when=when)


@bp.post(f"{PAGE_PATH}/read")
@login_required
def mark_read():
    form = MarkReadForm()
    if not form.validate():
        abort(400)
    services.mark_read(db.session, current_user, form.id.data)
    return redirect(url_for("notifications.index"))


@bp.route(f"{PAGE_PATH}/settings", methods=["GET", "POST"])
@login_required
def settings():
    choice = services.choice_of(db.session, current_user)
    form = ChannelsForm(obj=choice)
    if form.validate_on_submit():
        services.choose(db.session, current_user, email=form.email.data, sms=form.sms.data)
        flash(_("Đã lưu cách nhận thông báo."), "success")
        return redirect(url_for("notifications.settings"))
    status = INVALID if form.is_submitted() else 200
    return render_template("notifications/settings.html", form=form), status


@bp.route("/password/code/sms", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"])
def code_by_sms():
    """Anyone may ask (the learner is not logged in); the answer is the same whether the
    number is registered or not."""
    if not reset_by_sms.offered():
        abort(404)
    form = CodeBySmsForm()
    if form.validate_on_submit():
        link = url_for("accounts.reset_with_code", _external=True)
        try:
            reset_by_sms.request_code(db.session, form.phone.data, request.remote_addr, link)
        except reset_by_sms.TooMany as locked:
            form.phone.errors.append(locked.message)
            return (render_template("notifications/code_by_sms.html", form=form), 429,
                    {"Retry-After": str(locked.retry_after)})
        flash(_("Nếu số điện thoại này đã đăng ký, mã sẽ được gửi qua tin nhắn trong ít phút. "
                "Hãy nhập mã ở đây."), "success")
        return redirect(url_for("accounts.reset_with_code"))
    status = INVALID if form.errors else 200
    return render_template("notifications/code_by_sms.html", form=form), status
