"""What the figures of a statistics view count, said in the page's words and in its exports'
headers: the learners figure means sign-ups, or, under a course filter, the learners enrolled
in that course (``queries._figures``); and the filters of the view, in words."""

from __future__ import annotations

from flask_babel import gettext as _

from onetouch.accounts.models import AUDIENCE_LABELS
from onetouch.stats.dates import day_text
from onetouch.stats.filters import Filters


def assisted_label() -> str:
    """Assisted sign-ups: registrations, so no course filter applies to them."""
    return _("Đăng ký có tổ công nghệ số giúp")


def learners_label(filters: Filters) -> str:
    """The learners column and card, short."""
    return _("Người học ghi danh khóa này") if filters.course else _("Người học đăng ký")


def learners_meaning(filters: Filters, course_title: str | None) -> str:
    """One sentence under the figures: what "learners" counts in this view."""
    if filters.course:
        meaning = _("Người học: số người đã ghi danh khóa học “%(title)s”, tính theo xã và "
                    "đối tượng lúc ghi danh.", title=course_title or "")
    else:
        meaning = _("Người học: số tài khoản đã đăng ký, tính theo xã và đối tượng lúc "
                    "đăng ký.")
    if filters.start or filters.end:
        meaning += " " + _("Chỉ tính những gì xảy ra trong khoảng ngày đã chọn.")
    return meaning


def export_header(filters: Filters, area: str) -> list[str]:
    """The header row of an export: the area's name, its code, then the figures."""
    return [area, _("Mã"), learners_label(filters), _("Lượt ghi danh"), _("Lượt hoàn thành"),
            _("Chứng chỉ")]


def current_view(filters: Filters, course_title: str | None) -> list[str]:
    """The view's filters in words, one phrase each, for the line above the folded form:
    the map of provinces, the course, the audience, the days."""
    scheme = (_("34 tỉnh, thành phố (từ 1/7/2025)") if filters.scheme == "2025"
              else _("63 tỉnh, thành phố (trước 1/7/2025)"))
    course = (_("khóa học “%(title)s”", title=course_title or "") if filters.course
              else _("mọi khóa học"))
    audience = str(AUDIENCE_LABELS[filters.audience]) if filters.audience \
        else _("mọi đối tượng")
    return [scheme, course, audience, _days(filters)]


def _days(filters: Filters) -> str:
    if filters.start and filters.end:
        return _("từ %(start)s đến %(end)s", start=day_text(filters.start),
                 end=day_text(filters.end))
    if filters.start:
        return _("từ %(start)s đến nay", start=day_text(filters.start))
    if filters.end:
        return _("đến hết %(end)s", end=day_text(filters.end))
    return _("mọi ngày")
