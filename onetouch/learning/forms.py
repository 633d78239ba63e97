from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired

from onetouch.accounts.forms import REQUIRED, audience_choices
from onetouch.core.forms import within_years


class RequiredTrainingForm(FlaskForm):
    course_id = SelectField(_l("Khóa học"), coerce=int, validators=[DataRequired(REQUIRED)])
    audience = SelectField(_l("Đối tượng phải học"), choices=audience_choices(),
                           validators=[DataRequired(REQUIRED)])
    province_code = SelectField(_l("Phạm vi"), validate_choice=True)
    starts_on = DateField(_l("Ngày bắt đầu"), validators=[DataRequired(_l("Ngày không hợp lệ.")),
                                                           within_years])
    deadline = DateField(_l("Hạn hoàn thành"),
                         validators=[DataRequired(_l("Ngày không hợp lệ.")), within_years])
