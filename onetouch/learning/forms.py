from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from onetouch.accounts.forms import REQUIRED, audience_choices
from onetouch.core.forms import within_years


class RequirementTermsForm(FlaskForm):
    """What an admin sets when requiring a course, and may change later."""

    title = StringField(_l("Tên yêu cầu (không bắt buộc; để trống thì dùng tên khóa học)"),
                        validators=[Optional(), Length(max=200)])
    audience = SelectField(_l("Đối tượng phải học"), choices=audience_choices(),
                           validators=[DataRequired(REQUIRED)])
    province_code = SelectField(_l("Phạm vi"), validate_choice=True)
    deadline = DateField(_l("Hạn hoàn thành"),
                         validators=[DataRequired(_l("Ngày không hợp lệ.")), within_years])
    grace_days = IntegerField(
        _l("Số ngày gia hạn cho người vào sau (0–365; để trống: 30)"), default=30,
        validators=[Optional(), NumberRange(0, 365, _l("Số ngày gia hạn phải từ 0 đến 365."))])
    confirm_past = BooleanField(_l("Tôi xác nhận hạn hoàn thành đã qua (mọi người trong phạm "
                                   "vi chưa hoàn thành sẽ bị tính quá hạn)"))


class RequiredTrainingForm(RequirementTermsForm):
    course_id = SelectField(_l("Khóa học"), coerce=int, validators=[DataRequired(REQUIRED)])
    starts_on = DateField(_l("Ngày bắt đầu"), validators=[DataRequired(_l("Ngày không hợp lệ.")),
                                                           within_years])


class CancelRequirementForm(FlaskForm):
    sure = BooleanField(_l("Tôi chắc chắn muốn hủy yêu cầu này"),
                        validators=[DataRequired(_l("Hãy đánh dấu ô xác nhận để hủy."))])
