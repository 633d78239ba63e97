"""What the figures of a statistics view count, said in the page's words and in its exports'
headers: the learners figure means sign-ups, or, under a course filter, the learners enrolled
in that course (``queries._figures``)."""

from __future__ import annotations

from flask_babel import gettext as _

from onetouch.stats.filters import Filters


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
