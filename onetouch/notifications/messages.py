"""What a notification says, built from its kind and parameters in the reader's language:
on the notifications page in the visitor's, in e-mail and SMS in the default (Vietnamese)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.learning.models import RequiredTraining
from onetouch.notifications.models import Kind, Notification, Reminder, ReminderMark

# The notifications page's path: the link in e-mails, built without a request.
PAGE_PATH = "/notifications"
SMS_LIMIT = 320  # two concatenated SMS of Vietnamese text without accents, about


@dataclass(frozen=True)
class Message:
    subject: str
    lines: list[str]

    @property
    def body(self) -> str:
        return "\n".join(self.lines)

    def sms(self) -> str:
        text = " ".join([self.subject, *self.lines])
        return text if len(text) <= SMS_LIMIT else text[:SMS_LIMIT - 1] + "…"


def vn_date(iso: str | date) -> str:
    return clock.date_text(iso)


@dataclass(frozen=True)
class DigestLine:
    name: str
    deadline: date
    reminder: Reminder


def digest_lines(session: Session, user_id: int, days: set[date]) -> dict[date, list[DigestLine]]:
    """The requirements each day's digest reminds of, for several days in one query."""
    rows = session.execute(
        select(ReminderMark.day, ReminderMark.reminder, RequiredTraining.title, Course.title,
               RequiredTraining.deadline)
        .join(RequiredTraining, RequiredTraining.id == ReminderMark.requirement_id)
        .join(Course, Course.id == RequiredTraining.course_id)
        .where(ReminderMark.user_id == user_id, ReminderMark.day.in_(days))
        .order_by(RequiredTraining.deadline, RequiredTraining.id))
    found: dict[date, list[DigestLine]] = {}
    for day, reminder, title, course, deadline in rows:
        found.setdefault(day, []).append(DigestLine(title or course, deadline, reminder))
    return found


def reminder_text(line: DigestLine) -> str:
    if line.reminder is Reminder.OVERDUE:
        return _("%(name)s: đã quá hạn %(deadline)s", name=line.name,
                 deadline=vn_date(line.deadline))
    if line.reminder is Reminder.DAY_BEFORE:
        return _("%(name)s: hạn hoàn thành ngày mai, %(deadline)s", name=line.name,
                 deadline=vn_date(line.deadline))
    return _("%(name)s: còn 7 ngày, hạn %(deadline)s", name=line.name,
             deadline=vn_date(line.deadline))


def render(note: Notification, digest: list[DigestLine] | None = None) -> Message:
    """The message of a notification; a digest's lines come from :func:`digest_lines`."""
    params = note.params
    if note.kind is Kind.REQUIREMENT_ASSIGNED:
        return Message(_("Khóa học bắt buộc mới"), [
            _("Bạn cần hoàn thành khóa học “%(name)s” trước ngày %(deadline)s.",
              name=params["name"], deadline=vn_date(params["deadline"]))])
    if note.kind is Kind.REMINDER_DIGEST:
        return Message(_("Nhắc hạn khóa học bắt buộc"),
                       [reminder_text(line) for line in digest or []])
    if note.kind is Kind.CERTIFICATE_ISSUED:
        return Message(_("Bạn đã được cấp chứng chỉ"), [
            _("Chứng chỉ %(number)s, khóa học “%(course)s”.", number=params["number"],
              course=params["course"])])
    if note.kind is Kind.CERTIFICATE_REVOKED:
        return Message(_("Chứng chỉ của bạn đã bị thu hồi"), [
            _("Chứng chỉ %(number)s, khóa học “%(course)s”. Lý do: %(reason)s",
              number=params["number"], course=params["course"], reason=params["reason"])])
    return Message(_("Mật khẩu của bạn vừa được đặt lại"), [
        _("Nếu không phải bạn làm việc này, hãy liên hệ quản trị viên tỉnh ngay.")])
