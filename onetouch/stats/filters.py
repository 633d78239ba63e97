"""The filters of a statistics view, read from query parameters and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from onetouch.accounts.models import AudienceGroup
from onetouch.core.params import ParameterError, day, integer

SCHEMES = ("2025", "legacy")
# The same class: a filter's error names its parameter, as any strict parameter's does.
FilterError = ParameterError


@dataclass(frozen=True)
class Filters:
    scheme: str = "2025"
    course: int | None = None
    audience: AudienceGroup | None = None
    start: date | None = None
    end: date | None = None

    def args(self) -> dict:
        """The filters as query parameters (for links and exports)."""
        values = {"scheme": self.scheme, "course": self.course,
                  "audience": self.audience.value if self.audience else None,
                  "from": self.start.isoformat() if self.start else None,
                  "to": self.end.isoformat() if self.end else None}
        return {key: value for key, value in values.items() if value not in (None, "")}

    def file_stem(self, prefix: str) -> str:
        parts = [prefix, self.scheme]
        if self.course:
            parts.append(f"course-{self.course}")
        if self.audience:
            parts.append(self.audience.value)
        if self.start or self.end:
            parts.append(f"{self.start or 'start'}_{self.end or 'today'}")
        return "-".join(str(part) for part in parts)


def _given(args, name: str, blank_is_absent: bool) -> str | None:
    """The parameter's (first) value; None when absent. An empty value is absent for the
    pages' forms, which send every field, and refused by the API, whose document gives each
    parameter a type that "" does not have."""
    value = args.get(name)
    if value is None or (value == "" and blank_is_absent):
        return None
    if value == "":
        raise FilterError(name, _l("không được để trống"))
    return value


def parse(args, form: bool = False) -> Filters:
    """Every filter checked by ``core.params``: a course is any id in the column's range (one
    that names no course matches nothing, so its figures are 0; 0 is every course, as in the
    rollups, where course 0 holds the sign-ups), days lie within 2020-2100.

    :param form: the filters come from a page's form, which sends its empty fields (they
        are left out) and whose reader is told that the range is back to front; to the API a
        range that ends before it starts is one that holds no day (figures 0), which its
        document, able to type each parameter but not to relate two, allows.
    :raises FilterError: naming the first bad parameter.
    """
    blank_is_absent = form
    scheme = _given(args, "scheme", blank_is_absent) or "2025"
    if scheme not in SCHEMES:
        raise FilterError("scheme", _l("phải là 2025 hoặc legacy"))
    course = _course(_given(args, "course", blank_is_absent))
    audience = _given(args, "audience", blank_is_absent)
    if audience is not None and audience not in {group.value for group in AudienceGroup}:
        raise FilterError("audience", _l("không có đối tượng này"))
    start, end = (_day(_given(args, name, blank_is_absent), name) for name in ("from", "to"))
    if form and start and end and start > end:
        raise FilterError("from", _l("ngày bắt đầu phải trước ngày kết thúc"))
    return Filters(scheme, course, AudienceGroup(audience) if audience else None,
                   start, end)


def _course(value: str | None) -> int | None:
    return (integer(value, "course") or None) if value is not None else None


def _day(value: str | None, name: str) -> date | None:
    return None if value is None else day(value, name)
