"""Routes of sessions, on accounts' blueprint (views.py calls ``add_routes``): "Phiên đăng
nhập của bạn", ending sessions (one's own, or a user's by an admin), the return of a
remembered browser, and re-authentication before a privileged action.

They live beside views.py, not in it, only to keep each file short; the endpoints are
``accounts.*`` like the rest of the feature's.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from onetouch.accounts import logins, roles, services, throttle
from onetouch.accounts import session as user_session
from onetouch.accounts.forms import ReauthForm
from onetouch.accounts.models import User, UserSession
from onetouch.accounts.places import refused, show_error
from onetouch.core import clock
from onetouch.core.urls import safe_next
from onetouch.extensions import db, limiter

INVALID = 422


def add_routes(bp: Blueprint) -> None:
    for rule, view, methods in (
        ("/profile/sessions", sessions, ["GET"]),
        ("/profile/sessions/<id:session_id>/end", end_session, ["POST"]),
        ("/profile/sessions/end-others", end_other_sessions, ["POST"]),
        ("/session/resume", resume, ["GET", "POST"]),
        ("/reauth", reauth, ["GET", "POST"]),
        ("/admin/users/<id:user_id>/sessions/end", end_user_sessions, ["POST"]),
    ):
        bp.add_url_rule(rule, view_func=view, methods=methods)


def admin_user_page(user_id: int, **_args) -> str:
    return url_for("accounts.admin_user", user_id=user_id)


@login_required
def sessions():
    return render_template("accounts/sessions.html", rows=logins.of_user(db.session, current_user),
                           current=current_user.current_session.id, now=clock.now())


@login_required
def end_session(session_id: int):
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if row.id == current_user.current_session.id:
        user_session.log_out("ended_by_user")
        flash(_("Bạn đã đăng xuất."), "info")
        return redirect(url_for("catalog.home"))
    logins.end(db.session, row, "ended_by_user")
    flash(_("Đã đăng xuất thiết bị đó."), "success")
    return redirect(url_for("accounts.sessions"))


@login_required
def end_other_sessions():
    logins.end_all(db.session, current_user, "ended_by_user", keep=current_user.current_session)
    flash(_("Đã đăng xuất mọi thiết bị khác."), "success")
    return redirect(url_for("accounts.sessions"))


@limiter.limit("30 per minute", methods=["POST"])
def resume():
    """A remembered browser continues: the form posts itself (static/js/resume.js) or is
    pressed; the POST replaces the remember-me token."""
    target = safe_next(request.values.get("next"), url_for("learning.my_learning"))
    if current_user.is_authenticated:
        return redirect(target)
    if user_session.remember_cookie() not in request.cookies:
        return redirect(url_for("accounts.login", next=target))
    if request.method == "GET":
        return render_template("accounts/resume.html", target=target)
    if user_session.resume():
        return redirect(target)
    flash(_("Phiên ghi nhớ đăng nhập đã hết hạn hoặc đã bị đăng xuất. Vui lòng đăng nhập lại."),
          "info")
    return redirect(url_for("accounts.login", next=target))


@login_required
@limiter.limit("10 per minute", methods=["POST"])
def reauth():
    """The password again, before an action that changes privileges."""
    form = ReauthForm()
    target = safe_next(request.args.get("next"), url_for("accounts.profile"))
    if form.validate_on_submit():
        try:
            services.confirm_password(db.session, current_user, form.current_password.data)
        except throttle.Locked as locked:
            return refused(form, locked, "accounts/reauth.html")
        except services.AccountError as error:
            show_error(form, error)
        else:
            user_session.reauthenticated()
            return redirect(target)
    return render_template("accounts/reauth.html", form=form), INVALID if form.errors else 200


@roles.ministry_admin_required
@user_session.recent_login_required(back=admin_user_page)
def end_user_sessions(user_id: int):
    user = db.get_or_404(User, user_id)
    logins.end_all_by_admin(db.session, user, current_user)
    flash(_("Đã đăng xuất %(name)s khỏi mọi thiết bị.", name=user.full_name), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))
