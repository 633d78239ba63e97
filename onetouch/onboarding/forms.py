"""The upload form and the confirmation form of a bulk import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = _l("Vui lòng điền mục này.")


class UploadForm(FlaskForm):
    province_code = SelectField(_l("Tỉnh, thành phố"), validators=[DataRequired(REQUIRED)])
    file = FileField(_l("Tệp danh sách (CSV hoặc XLSX)"),
                     validators=[FileRequired(_l("Hãy chọn tệp để tải lên."))])


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """The courses to enrol everyone in; the communes chosen for ambiguous names are read
    by the view from ``commune_<line>`` fields, one per such row."""

    courses = CheckboxList(_l("Ghi danh vào các khóa học (không bắt buộc)"))
