"""Form helpers shared by features."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from onetouch.core.params import FIRST_DAY, LAST_DAY


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs, in the form WTForms 3.3+ expects."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


def within_years(form, field) -> None:
    """A form's day within the window ``core.params`` allows (2020-2100): the year 1 or 9999
    is a slip of the keyboard, and a deadline computed from it would overflow."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(_l("Ngày phải trong khoảng năm 2020 đến 2100."))
