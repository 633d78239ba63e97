from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired


class AssistedEnrolForm(FlaskForm):
    course_id = SelectField(_l("Khóa học"), coerce=int, validators=[InputRequired()])
    consent = BooleanField(_l("Người được giúp có mặt và đồng ý ghi danh vào khóa học này"))
