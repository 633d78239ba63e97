"""Register, log in and out, profile, passwords, assisted sign-up."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import false, or_, select

from onetouch.accounts import (
    code_views,
    logins,
    menu,
    notices,
    official_views,
    roles,
    services,
    session_views,
    throttle,
)
from onetouch.accounts import session as user_session
from onetouch.accounts.forms import (
    AssistedRegisterForm,
    ChangePasswordForm,
    ContactChangeForm,
    ForgotPasswordForm,
    GrantRoleForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from onetouch.accounts.mail import send_mail
from onetouch.accounts.models import AudienceGroup, Role, RoleGrant, User, search_name_of
from onetouch.accounts.phone import normalise_phone
from onetouch.accounts.places import fill_places, refused, registration_data, show_error
from onetouch.core import security_log
from onetouch.core.forms import options
from onetouch.core.urls import external_url, safe_next
from onetouch.extensions import db, limiter
from onetouch.geo.names import province_name
from onetouch.geo.services import provinces
from onetouch.text import sorted_names

bp = Blueprint("accounts", __name__)
session_views.add_routes(bp)  # the sessions page, remember-me return, re-authentication
official_views.add_routes(bp)  # the queue of declared officials, confirmed or refused
code_views.add_routes(bp)  # one-time password codes issued by a helper

INVALID = 422


@bp.app_context_processor
def account_helpers() -> dict:
    return {"is_admin": roles.is_admin, "admin_menu": menu.admin_menu,
            "province_name": province_name}


def _home() -> str:
    return url_for("learning.my_learning")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    return _register(RegisterForm(), None, "accounts/register.html", _welcome)


def _welcome(user: User) -> ResponseReturnValue:
    user_session.log_in(user)
    flash(_("Chào mừng %(name)s! Tài khoản đã được tạo.", name=user.full_name), "success")
    return redirect(_home())


def _register(form: RegisterForm, helper: User | None, template: str,
              created: Callable[[User], ResponseReturnValue]) -> ResponseReturnValue:
    """Show, re-show (province changed) or submit a registration; ``created`` answers once the
    account exists."""
    province = form.province_code.data or request.args.get("province") or (
        helper.province_code if helper else "")
    form.province_code.data = province
    fill_places(form, province)
    if "choose_province" in request.form or request.method != "POST":
        return render_template(template, form=form), 200
    if not form.validate_on_submit():
        # The form's own checks and the account rules, all in one answer.
        show_error(form, services.registration_problems(db.session, registration_data(form)))
        return render_template(template, form=form), INVALID
    try:
        user = services.register(db.session, registration_data(form), assisted_by=helper)
    except services.AccountError as error:
        show_error(form, error)
        return render_template(template, form=form), INVALID
    return created(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if request.method == "GET" and user_session.remember_cookie() in request.cookies:
        # A remembered browser continues (or, refused, comes back here without the cookie).
        return redirect(url_for("accounts.resume", next=request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, form.identifier.data, form.password.data)
        except throttle.Locked as locked:
            return refused(form, locked, "accounts/login.html")
        if user is not None:
            user_session.log_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), _home()))
        form.password.errors.append(_("Số điện thoại/email hoặc mật khẩu không đúng."))
    status = INVALID if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    # No login_required: a browser whose session went idle still ends its remember-me token.
    user_session.log_out()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("catalog.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per minute", methods=["POST"])
def profile():
    form = ContactChangeForm(obj=current_user)
    if request.method == "GET" and current_user.phone:
        form.phone.data = "0" + current_user.phone.removeprefix("+84")
    fill_places(form, form.province_code.data)
    if "choose_province" in request.form or request.method != "POST":
        return render_template("accounts/profile.html", form=form), 200
    if not form.validate_on_submit():
        show_error(form, services.profile_problems(
            db.session, current_user, form.phone.data, form.email.data, form.province_code.data,
            form.commune_code.data, form.audience.data, form.position.data,
            form.birth_year.data))
        return render_template("accounts/profile.html", form=form), INVALID
    try:
        change = services.update_profile(
            db.session, current_user, full_name=form.full_name.data, phone=form.phone.data,
            email=form.email.data, province_code=form.province_code.data,
            commune_code=form.commune_code.data, audience=AudienceGroup(form.audience.data),
            position=form.position.data, current_password=form.current_password.data,
            birth_year=form.birth_year.data)
    except throttle.Locked as locked:
        return refused(form, locked, "accounts/profile.html")
    except services.AccountError as error:
        show_error(form, error)
        return render_template("accounts/profile.html", form=form), INVALID
    notices.contact_changed(current_user, change)
    flash(_("Đã lưu thông tin cá nhân."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, current_user, form.current_password.data,
                                     form.new_password.data, keep=current_user.current_session)
        except throttle.Locked as locked:
            return refused(form, locked, "accounts/password.html")
        except services.AccountError as error:
            show_error(form, error)
        else:
            flash(_("Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất."), "success")
            return redirect(url_for("accounts.profile"))
    status = INVALID if form.errors else 200
    return render_template("accounts/password.html", form=form), status


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(User.email == services.normalise_email(form.email.data)))
        security_log.event("reset_requested", user=user.id if user else None)
        if user is not None and user.is_active and throttle.allow_reset_mail(db.session, user):
            _send_reset(user)
        # The same answer either way: the page must not reveal who has an account.
        flash(_("Nếu email này đã đăng ký, chúng tôi vừa gửi hướng dẫn đặt lại mật khẩu. "
                "Liên kết có hiệu lực trong 1 giờ."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), INVALID if form.errors else 200


def _send_reset(user: User) -> None:
    token = services.make_reset_token(user, current_app.config["SECRET_KEY"])
    link = external_url("accounts.reset_password", token=token)
    send_mail(user.email, _("Đặt lại mật khẩu OneTouch"), render_template(
        "accounts/reset_email.txt", user=user, link=link))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(db.session, token, current_app.config["SECRET_KEY"])
    if user is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(db.session, user, form.new_password.data)
        except services.AccountError as error:
            show_error(form, error)
        else:
            flash(_("Đã đặt mật khẩu mới. Hãy đăng nhập."), "success")
            return redirect(url_for("accounts.login"))
    status = INVALID if form.errors else 200
    return render_template("accounts/reset.html", form=form), status


@bp.route("/assist/register", methods=["GET", "POST"])
@login_required
def assisted_register():
    """A community digital technology team member signs a citizen up, with their consent."""
    if not services.confirmed_team_member(current_user):
        return render_template("accounts/assist_forbidden.html"), 403
    form = AssistedRegisterForm()
    if request.method == "GET":
        form.audience.data = AudienceGroup.CITIZEN.value
        form.commune_code.data = current_user.commune_code
    return _register(form, current_user, "accounts/assist.html", _helped)


def _helped(user: User) -> ResponseReturnValue:
    flash(_("Đã đăng ký tài khoản cho %(name)s.", name=user.full_name), "success")
    return redirect(url_for("community.helped"))


# Ministry admins find users and grant or revoke administrative roles.

SEARCH_LIMIT = 50


@bp.get("/admin/users")
@roles.ministry_admin_required
def admin_users():
    query = (request.args.get("q") or "").strip()[:100]
    found = []
    if query:
        found = sorted_names(db.session.scalars(
            select(User).where(_matches(query)).order_by(User.search_name, User.id)
            .limit(SEARCH_LIMIT)), name=lambda user: user.full_name)
    return render_template("accounts/admin_users.html", query=query, users=found)


def _matches(query: str):
    """A phone number matches that phone, anything else an e-mail or a name (without accents):
    a text that is not a phone number is never compared with the phone, whose NULL the
    e-mail-only accounts would all match."""
    phone = normalise_phone(query)
    if phone is not None:
        return User.phone == phone
    folded = search_name_of(query)
    return or_(User.email == services.normalise_email(query),
               User.search_name.contains(folded, autoescape=True) if folded else false())


def _grant_form() -> GrantRoleForm:
    form = GrantRoleForm()
    form.province_code.choices = options([("", "—")] + [(p.code, p.name)
                                                        for p in provinces(db.session)])
    return form


@bp.get("/admin/users/<id:user_id>")
@roles.ministry_admin_required
def admin_user(user_id: int):
    user = db.get_or_404(User, user_id)
    return _admin_user(user, _grant_form())


def _admin_user(user: User, form: GrantRoleForm, status: int = 200) -> ResponseReturnValue:
    return render_template("accounts/admin_user.html", user=user, form=form,
                           sessions=len(logins.of_user(db.session, user))), status


@bp.post("/admin/users/<id:user_id>/roles")
@roles.ministry_admin_required
@user_session.recent_login_required(back=session_views.admin_user_page)
def grant_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _grant_form()
    if not form.validate_on_submit():
        return _admin_user(user, form, INVALID)
    try:
        roles.grant(db.session, user, Role(form.role.data), form.province_code.data or None,
                    granted_by=current_user)
    except services.AccountError as error:
        form.province_code.errors = [error.message]
        return _admin_user(user, form, INVALID)
    flash(_("Đã cấp vai trò."), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.post("/admin/users/<id:user_id>/roles/<id:grant_id>/revoke")
@roles.ministry_admin_required
@user_session.recent_login_required(back=session_views.admin_user_page)
def revoke_role(user_id: int, grant_id: int):
    role_grant = db.get_or_404(RoleGrant, grant_id)
    if role_grant.user_id != user_id:
        abort(404)
    if role_grant.user_id == current_user.id and role_grant.role is Role.MINISTRY_ADMIN:
        flash(_("Bạn không thể tự thu hồi quyền quản trị cấp bộ của mình."), "error")
        return redirect(url_for("accounts.admin_user", user_id=user_id))
    roles.revoke(db.session, role_grant, revoked_by=current_user)
    flash(_("Đã thu hồi vai trò."), "success")
    return redirect(url_for("accounts.admin_user", user_id=user_id))
