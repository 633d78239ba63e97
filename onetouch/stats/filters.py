"""The filters of a statistics view, read from query parameters and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from onetouch.accounts.models import AudienceGroup

SCHEMES = ("2025", "legacy")


class FilterError(ValueError):
    def __init__(self, parameter: str, message) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = str(message)


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


def _date(args, name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, _l("ngày phải có dạng YYYY-MM-DD")) from None


def parse(args, course_ids: set[int]) -> Filters:
    """:raises FilterError: naming the first bad parameter."""
    scheme = (args.get("scheme") or "2025").strip()
    if scheme not in SCHEMES:
        raise FilterError("scheme", _l("phải là 2025 hoặc legacy"))
    course = (args.get("course") or "").strip()
    if course and (not (course.isascii() and course.isdigit()) or int(course) not in course_ids):
        raise FilterError("course", _l("không có khóa học này"))
    audience = (args.get("audience") or "").strip()
    if audience and audience not in {group.value for group in AudienceGroup}:
        raise FilterError("audience", _l("không có đối tượng này"))
    start, end = _date(args, "from"), _date(args, "to")
    if start and end and start > end:
        raise FilterError("from", _l("ngày bắt đầu phải trước ngày kết thúc"))
    return Filters(scheme, int(course) if course else None,
                   AudienceGroup(audience) if audience else None, start, end)
