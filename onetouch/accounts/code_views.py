"""Routes of one-time password codes, on the accounts blueprint (``add_routes``): a helper
issues a code for a learner; the learner sets a new password with it at ``/password/code``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from onetouch.accounts import codes
from onetouch.accounts.forms import CodeResetForm
from onetouch.accounts.models import User
from onetouch.accounts.places import show_error
from onetouch.accounts.services import AccountError
from onetouch.core import clock
from onetouch.extensions import db, limiter

INVALID = 422


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/password/code/issue/<id:user_id>", "issue_reset_code",
                    limiter.limit("60 per hour")(issue_reset_code), methods=["POST"])
    bp.add_url_rule("/password/code", "reset_with_code",
                    limiter.limit("10 per minute;30 per hour", methods=["POST"])(reset_with_code),
                    methods=["GET", "POST"])


@login_required
def issue_reset_code(user_id: int):
    """The code is shown once, on this answer (no-store, as every answer to a member)."""
    learner = db.get_or_404(User, user_id)
    if not codes.may_issue(current_user, learner):
        abort(403)
    try:
        issued = codes.issue(db.session, learner, current_user)
    except codes.CodeError as error:
        return render_template("accounts/code_refused.html", learner=learner,
                               message=error.message), 429
    expires = clock.datetime_text(issued.expires_at)
    return render_template("accounts/code_issued.html", learner=learner,
                           code=f"{issued.code[:4]} {issued.code[4:]}", expires=expires)


def reset_with_code():
    form = CodeResetForm()
    if form.validate_on_submit():
        try:
            codes.use(db.session, form.identifier.data, form.code.data, form.new_password.data)
        except codes.CodeLocked as locked:
            show_error(form, locked)
            return (render_template("accounts/reset_code.html", form=form), 429,
                    {"Retry-After": str(locked.retry_after)})
        except (codes.CodeError, AccountError) as error:
            show_error(form, error)
        else:
            flash(_("Đã đặt mật khẩu mới. Hãy đăng nhập."), "success")
            return redirect(url_for("accounts.login"))
    status = INVALID if form.errors else 200
    return render_template("accounts/reset_code.html", form=form), status
