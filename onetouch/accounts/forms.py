"""Account forms: shape and presence here; the rules themselves live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from onetouch.accounts.models import AUDIENCE_LABELS, Role
from onetouch.core.forms import options

REQUIRED = _l("Vui lòng điền mục này.")


def audience_choices():
    return options((group.value, label) for group, label in AUDIENCE_LABELS.items())


class YearField(IntegerField):
    """A year typed as digits; anything else is said in the page's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Năm sinh là bốn chữ số, ví dụ 1956."))) from None


def birth_year_field() -> YearField:
    return YearField(_l("Năm sinh (không bắt buộc)"), validators=[Optional()],
                     render_kw={"inputmode": "numeric", "maxlength": 4,
                                "autocomplete": "bday-year"})


class PlaceFields(FlaskForm):
    """Province and commune; the commune list is filled by the view for the chosen province."""

    province_code = SelectField(_l("Tỉnh, thành phố"), validate_choice=False,
                                validators=[DataRequired(REQUIRED)])
    # Narrows the commune list by name, accents optional (accounts/places.py; communes.js).
    commune_search = StringField(_l("Tìm xã, phường theo tên"), validators=[Optional()],
                                 render_kw={"autocomplete": "off", "maxlength": 60})
    commune_code = SelectField(_l("Xã, phường, đặc khu"), validate_choice=False,
                               validators=[Optional()])


class ProfileForm(PlaceFields):
    # The order of the page (the place fields are declared first, in PlaceFields), for the
    # error summary at its top.
    field_order = ("full_name", "phone", "email", "province_code", "commune_search",
                   "commune_code", "audience", "position", "birth_year", "current_password",
                   "password", "confirm", "consent")

    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(REQUIRED), Length(max=200)])
    phone = TelField(_l("Số điện thoại di động"), validators=[Optional(), Length(max=20)])
    email = EmailField(_l("Email"), validators=[
        Optional(), Length(max=254),
        Email(_l("Email không hợp lệ."), check_deliverability=False)])
    audience = SelectField(_l("Bạn là"), choices=audience_choices,
                           validators=[DataRequired(REQUIRED)])
    position = StringField(_l("Chức vụ (với cán bộ cấp xã)"), validators=[Optional(),
                                                                           Length(max=200)])


class ContactChangeForm(ProfileForm):
    """The profile as its owner edits it: a new phone or e-mail needs the password."""

    birth_year = birth_year_field()
    current_password = PasswordField(_l("Mật khẩu hiện tại (khi đổi số điện thoại hoặc email)"),
                                     validators=[Optional(), Length(max=128)])


class RegisterForm(ProfileForm):
    password = PasswordField(_l("Mật khẩu (ít nhất 8 ký tự)"),
                             validators=[DataRequired(REQUIRED), Length(max=128)])
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[
        DataRequired(REQUIRED), EqualTo("password", _l("Hai mật khẩu không giống nhau."))])
    consent = BooleanField(_l("Tôi đồng ý để OneTouch xử lý dữ liệu cá nhân của tôi (họ tên, "
                              "số điện thoại, email, nơi ở, kết quả học tập) để tổ chức việc "
                              "học, cấp chứng chỉ và thống kê."))


class AssistedRegisterForm(RegisterForm):
    birth_year = birth_year_field()
    consent = BooleanField(_l("Người dân đã đồng ý để tôi đăng ký giúp và để OneTouch xử lý "
                              "dữ liệu cá nhân của họ."))


class LoginForm(FlaskForm):
    identifier = StringField(_l("Số điện thoại hoặc email"),
                             validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED),
                                                         Length(max=128)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên thiết bị này"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"),
                                     validators=[DataRequired(REQUIRED), Length(max=128)])
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(REQUIRED),
                                                                 Length(max=128)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(REQUIRED), EqualTo("new_password", _l("Hai mật khẩu không giống nhau."))])


class ReauthForm(FlaskForm):
    current_password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED),
                                                                 Length(max=128)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email đã đăng ký"), validators=[
        DataRequired(REQUIRED), Email(_l("Email không hợp lệ."), check_deliverability=False)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(REQUIRED),
                                                                 Length(max=128)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(REQUIRED), EqualTo("new_password", _l("Hai mật khẩu không giống nhau."))])


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=lambda: options([
        (Role.PROVINCE_ADMIN.value, _l("Quản trị tỉnh")),
        (Role.MINISTRY_ADMIN.value, _l("Quản trị cấp bộ"))]))
    province_code = SelectField(_l("Tỉnh, thành phố (với quản trị tỉnh)"), validate_choice=False,
                                validators=[Optional()])


class CodeResetForm(FlaskForm):
    """A one-time code from a team member or an admin, and the new password."""

    identifier = StringField(_l("Số điện thoại (hoặc email) đã đăng ký"),
                             validators=[DataRequired(REQUIRED), Length(max=254)])
    code = StringField(_l("Mã 8 ký tự"), validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "spellcheck": "false",
                                  "autocapitalize": "characters"})
    new_password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(REQUIRED),
                                                                 Length(max=128)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(REQUIRED), EqualTo("new_password", _l("Hai mật khẩu không giống nhau."))])
