"""Forms of the notifications pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional


class MarkReadForm(FlaskForm):
    """One message by its id, or every unread one when no id is given."""

    id = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**62)])


class ChannelsForm(FlaskForm):
    email = BooleanField(_l("Nhận thông báo qua thư điện tử"))
    sms = BooleanField(_l("Nhận thông báo qua tin nhắn SMS"))
