"""Forms of the notifications pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TelField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class MarkReadForm(FlaskForm):
    """One message by its id, or every unread one when no id is given."""

    id = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**62)])


class ChannelsForm(FlaskForm):
    email = BooleanField(_l("Nhận thông báo qua thư điện tử"))
    sms = BooleanField(_l("Nhận thông báo qua tin nhắn SMS"))


class CodeBySmsForm(FlaskForm):
    """The learner's phone number: a password code is sent to it if it is registered."""

    phone = TelField(_l("Số điện thoại di động đã đăng ký"), validators=[
        DataRequired(_l("Vui lòng nhập số điện thoại.")), Length(max=20)],
        render_kw={"autocomplete": "tel"})
