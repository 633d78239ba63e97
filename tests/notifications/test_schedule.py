"""The day's reminders: one digest per learner listing every requirement due, reminded once per
learner, requirement and kind however often the schedule runs; cancelled requirements, learners
who completed and late joiners still in their grace days are left out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.notifications import messages
from onetouch.notifications.models import (
    Channel,
    Kind,
    Notification,
    Reminder,
    ReminderMark,
)
from onetouch.notifications.schedule import schedule
from tests.notifications.conftest import assign, rows


def run(app, days_from_today: int = 0):
    with app.app_context():
        done = schedule(db.session, today() + timedelta(days=days_from_today))
        db.session.commit()
        return done


def marks(app) -> set[tuple[int, int, Reminder]]:
    with app.app_context():
        return set(db.session.execute(select(ReminderMark.user_id, ReminderMark.requirement_id,
                                             ReminderMark.reminder)))


def digests(app) -> list[Notification]:
    return rows(app, kind=Kind.REMINDER_DIGEST, channel=Channel.IN_APP)


def test_one_digest_lists_every_requirement_due(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    official = make_user(audience="commune_official", confirmed_days_ago=60)
    week = assign(app, admin, deadline_in=7, title="An toàn thông tin")
    day = assign(app, admin, deadline_in=1, title="Dịch vụ công trực tuyến")
    assign(app, admin, deadline_in=20)  # not due today
    done = run(app)
    assert (done.reminders, done.digests) == (2, 1)
    assert marks(app) == {(official, week, Reminder.WEEK_BEFORE),
                          (official, day, Reminder.DAY_BEFORE)}
    [digest] = digests(app)
    assert digest.user_id == official
    assert {row.channel for row in rows(app, kind=Kind.REMINDER_DIGEST)} == {
        Channel.IN_APP, Channel.SMS}
    with app.app_context():
        lines = messages.digest_lines(db.session, official, {today()})[today()]
        text = messages.render(digest, lines).body
    assert text.splitlines() == [
        f"Dịch vụ công trực tuyến: hạn hoàn thành ngày mai, "
        f"{(today() + timedelta(days=1)):%d/%m/%Y}",
        f"An toàn thông tin: còn 7 ngày, hạn {(today() + timedelta(days=7)):%d/%m/%Y}"]


def test_running_the_schedule_again_adds_nothing(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    make_user(audience="commune_official", confirmed_days_ago=60)
    make_user(audience="commune_official", confirmed_days_ago=60)
    assign(app, admin, deadline_in=7)
    assert run(app).digests == 2
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Notification))
    again = run(app)
    assert (again.reminders, again.digests) == (0, 0)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == before


def test_overdue_notice_once_and_not_again_the_next_day(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    official = make_user(audience="commune_official", confirmed_days_ago=60)
    late = assign(app, admin, deadline_in=-1)
    assert run(app).reminders == 1
    assert marks(app) == {(official, late, Reminder.OVERDUE)}
    assert run(app, 1).digests == 0
    assert len(digests(app)) == 1


def test_cancelled_completed_and_grace_days_are_left_out(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    done = make_user(audience="commune_official", confirmed_days_ago=60)
    newcomer = make_user(audience="commune_official", confirmed_days_ago=2)  # 30 grace days
    waiting = make_user(audience="commune_official", confirmed_days_ago=60)
    kept = assign(app, admin, deadline_in=7)
    cancelled = assign(app, admin, deadline_in=1)
    with app.app_context():
        db.session.execute(update(RequiredTraining).where(RequiredTraining.id == cancelled)
                           .values(cancelled_at=utcnow()))
        db.session.add(Enrolment(user_id=done, course_id=db.session.scalar(select(Course.id)),
                                 completed_at=utcnow()))
        db.session.commit()
    run(app)
    assert marks(app) == {(waiting, kept, Reminder.WEEK_BEFORE)}
    assert {row.user_id for row in digests(app)} == {waiting}
    assert newcomer not in {row.user_id for row in rows(app, kind=Kind.REMINDER_DIGEST)}


def test_the_commands_schedule_and_deliver(app, make_user, synced_library, gateway):
    admin = make_user(role="ministry_admin")
    make_user(audience="commune_official", confirmed_days_ago=60)
    assign(app, admin, deadline_in=8)
    runner = app.test_cli_runner()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["notify", "schedule", "--date", tomorrow])
    assert result.exit_code == 0, result.output
    assert f"{tomorrow}: 1 reminder(s), 1 new digest(s)" in result.output
    again = runner.invoke(args=["notify", "schedule", "--date", tomorrow])
    assert f"{tomorrow}: 0 reminder(s), 0 new digest(s)" in again.output
    sent = runner.invoke(args=["notify", "deliver", "--once"])
    assert sent.exit_code == 0, sent.output
    assert "sent 2" in sent.output  # the requirement's SMS and the digest's
    [(_, text)] = [each for each in gateway.sent if "Nhắc hạn" in each[1]]
    assert "còn 7 ngày" in text
