"""Forms of the privacy pages: accepting the notice, deleting the account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.validators import DataRequired

from onetouch.core.forms import options
from onetouch.privacy.erasure import Reason


class AcceptForm(FlaskForm):
    """Nothing but the token: pressing the button is the consent."""


class DeleteForm(FlaskForm):
    reason = RadioField(_l("Bạn muốn"), default=Reason.REQUEST.value, choices=lambda: options([
        (Reason.REQUEST.value, _l("Xóa tài khoản của tôi")),
        (Reason.WITHDRAWAL.value, _l("Rút lại sự đồng ý xử lý dữ liệu cá nhân (tài khoản sẽ bị "
                                     "xóa)"))]),
        validators=[DataRequired(_l("Vui lòng chọn một mục."))])
    understood = BooleanField(
        _l("Tôi hiểu rằng việc xóa không thể hoàn tác: tôi không đăng nhập lại được, tiến độ "
           "học không còn gắn với tên tôi, và OneTouch không cấp lại bản chứng chỉ có tên tôi."),
        validators=[DataRequired(_l("Vui lòng đánh dấu ô này để xác nhận."))])
