"""Register, log in and out, profile, passwords, assisted sign-up."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from onetouch.accounts import bp, services
from onetouch.accounts.forms import (
    AssistedRegisterForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from onetouch.accounts.mail import send_mail
from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.places import fill_places, registration_data, show_error
from onetouch.core.urls import safe_next
from onetouch.extensions import db, limiter

INVALID = 422


def _home() -> str:
    return url_for("learning.my_learning")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_home())
    form = RegisterForm()
    result = _register(form, None, "accounts/register.html")
    if not isinstance(result, User):
        return result
    login_user(result)
    flash(_("Chào mừng %(name)s! Tài khoản đã được tạo.", name=result.full_name), "success")
    return redirect(_home())


def _register(form: RegisterForm, helper: User | None, template: str):
    """Show, re-show (province changed) or submit a registration; a User when created."""
    province = form.province_code.data or request.args.get("province") or (
        helper.province_code if helper else "")
    form.province_code.data = province
    fill_places(form, province)
    if "choose_province" in request.form or not form.validate_on_submit():
        status = INVALID if request.method == "POST" and form.errors else 200
        return render_template(template, form=form), status
    try:
        user = services.register(db.session, registration_data(form), assisted_by=helper)
    except services.AccountError as error:
        show_error(form, error)
        return render_template(template, form=form), INVALID
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.identifier.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), _home()))
        form.password.errors.append(_("Số điện thoại/email hoặc mật khẩu không đúng."))
    status = INVALID if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("core.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET" and current_user.phone:
        form.phone.data = "0" + current_user.phone.removeprefix("+84")
    fill_places(form, form.province_code.data)
    if "choose_province" in request.form or not form.validate_on_submit():
        status = INVALID if form.errors else 200
        return render_template("accounts/profile.html", form=form), status
    try:
        services.update_profile(
            db.session, current_user, full_name=form.full_name.data, phone=form.phone.data,
            email=form.email.data, province_code=form.province_code.data,
            commune_code=form.commune_code.data, audience=AudienceGroup(form.audience.data),
            position=form.position.data)
    except services.AccountError as error:
        show_error(form, error)
        return render_template("accounts/profile.html", form=form), INVALID
    flash(_("Đã lưu thông tin cá nhân."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data)
        except services.AccountError as error:
            show_error(form, error)
        else:
            login_user(current_user)  # this session carries the new version; others end
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
        if user is not None and user.is_active:
            _send_reset(user)
        # The same answer either way: the page must not reveal who has an account.
        flash(_("Nếu email này đã đăng ký, chúng tôi vừa gửi hướng dẫn đặt lại mật khẩu. "
                "Liên kết có hiệu lực trong 1 giờ."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), INVALID if form.errors else 200


def _send_reset(user: User) -> None:
    token = services.make_reset_token(user, current_app.config["SECRET_KEY"])
    link = url_for("accounts.reset_password", token=token, _external=True)
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
            services.set_password(user, form.new_password.data)
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
    if current_user.audience is not AudienceGroup.DIGITAL_TEAM:
        return render_template("accounts/assist_forbidden.html"), 403
    form = AssistedRegisterForm()
    if request.method == "GET":
        form.audience.data = AudienceGroup.CITIZEN.value
        form.commune_code.data = current_user.commune_code
    result = _register(form, current_user, "accounts/assist.html")
    if not isinstance(result, User):
        return result
    flash(_("Đã đăng ký tài khoản cho %(name)s.", name=result.full_name), "success")
    return redirect(url_for("accounts.assisted_list"))


@bp.get("/assist")
@login_required
def assisted_list():
    helped = db.session.scalars(select(User).where(User.assisted_by_id == current_user.id)
                                .order_by(User.created_at.desc())).all()
    return render_template("accounts/assist_list.html", helped=helped)


@bp.get("/api/v1/provinces/<code>/communes")
def communes_json(code: str):
    """The communes of a province, for the registration form's one-step commune choice."""
    from onetouch.geo.services import communes_of

    communes = communes_of(db.session, code)
    response = {"province": code, "communes": [{"code": c.code, "name": c.name}
                                               for c in communes]}
    return response, 200 if communes else 404, {"Cache-Control": "public, max-age=86400"}
