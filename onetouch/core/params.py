"""The one strict layer that reads numbers, days and text out of a request.

``str.isdigit()`` admits "²" and "٣", ``int()`` admits " 7", "+7" and "1_000", and
``date.fromisoformat`` admits "20261201", "2026-W49-2" and the year 1: each of those once
reached the database as a number it could not hold, or a day it could not add to, and became a
500. Here an integer is ASCII digits within the range of the column it is compared with, and a
day is ``YYYY-MM-DD`` within a window no real record lies outside. Path integers go through
the ``id`` URL converter, so an out-of-range id is a 404 before any view runs; the OpenAPI
document states these same limits (``onetouch/api/openapi.py``).
"""

from __future__ import annotations

import re
from datetime import date

from flask import Flask, abort, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BaseConverter, ValidationError

# Every id column is an INTEGER: PostgreSQL's holds up to 2**31 - 1.
ID_MAX = 2**31 - 1
ID_DIGITS = len(str(ID_MAX))
# No record of OneTouch is older than 2020 or dated beyond 2100: a day outside is a mistake.
FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2100, 12, 31)
DAY_PATTERN = r"^(20[2-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DAY = re.compile(DAY_PATTERN)
_DIGITS = re.compile(r"[0-9]+")


class ParameterError(ValueError):
    """A request parameter that is not what it must be; ``parameter`` names it."""

    def __init__(self, parameter: str, message) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = str(message)


def integer(value: str, parameter: str, minimum: int = 0, maximum: int = ID_MAX) -> int:
    """ASCII digits, no sign, no spaces, between ``minimum`` and ``maximum``."""
    if not (len(value) <= ID_DIGITS + 2 and _DIGITS.fullmatch(value)):
        raise ParameterError(parameter, _l("phải là một số nguyên"))
    number = int(value)
    if not minimum <= number <= maximum:
        raise ParameterError(parameter, _l("phải nằm trong khoảng %(low)s–%(high)s",
                                           low=minimum, high=maximum))
    return number


def day(value: str, parameter: str) -> date:
    """``YYYY-MM-DD``, a real day between FIRST_DAY and LAST_DAY."""
    if not _DAY.fullmatch(value):
        raise ParameterError(parameter, _l("ngày phải có dạng YYYY-MM-DD, từ năm 2020 đến 2100"))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(parameter, _l("không có ngày này")) from None


def page_number(args, parameter: str = "page", last: int = 10_000) -> int:
    """A page of a listing, 1 when missing or wrong: a bad page number is no reason to fail."""
    try:
        return integer(args.get(parameter, "1"), parameter, minimum=1, maximum=last)
    except ParameterError:
        return 1


class IdConverter(BaseConverter):
    """``<id:name>``: a row id in a path; anything else is a 404, as an unknown id is."""

    regex = rf"[0-9]{{1,{ID_DIGITS}}}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def _has_nul(data) -> bool:
    """In any name or value of a MultiDict, repeated values included."""
    return any("\x00" in key or "\x00" in value for key, value in data.items(multi=True))


def refuse_nul_characters():
    """A NUL character is in no name, code or text OneTouch keeps, and PostgreSQL refuses it
    in any string it is given: refuse it in the path and every parameter, on both engines."""
    if "\x00" in request.path or _has_nul(request.args):
        abort(400)
    if request.method not in ("GET", "HEAD") and _has_nul(request.form):
        abort(400)


def larger_body(limit: int):
    """A route that takes bodies up to ``limit`` bytes (a spreadsheet upload), instead of
    MAX_CONTENT_LENGTH; the decorator goes right under the route's."""

    def mark(view):
        view.max_content_length = limit
        return view

    return mark


def _body_limit() -> None:
    # First of all hooks: the CSRF check and refuse_nul_characters read the form, and the
    # limit in force then is the one that counts.
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "max_content_length", None)
    if limit:
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    """Before the blueprints: their rules are compiled with the converters known then."""
    app.url_map.converters["id"] = IdConverter
    app.before_request_funcs.setdefault(None, []).insert(0, _body_limit)
    app.before_request(refuse_nul_characters)
