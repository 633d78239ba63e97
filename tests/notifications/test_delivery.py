"""The delivery worker: every due message sent exactly once, by two workers at once on both
engines; failures retried with backoff, then failed; a crashed worker's claim taken over only
after its lease; channels turned off since are skipped; the SMS gateway by configuration."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from onetouch.accounts.models import User
from onetouch.core import clock
from onetouch.extensions import db
from onetouch.notifications import delivery, outbox, sms
from onetouch.notifications.models import Channel, Notification, Status
from onetouch.notifications.services import choose
from tests.live import server_env
from tests.notifications.conftest import assign, rows

ROOT = Path(__file__).resolve().parents[2]

LEARNERS = 12


@pytest.fixture
def mails(monkeypatch):
    sent = []
    monkeypatch.setattr(delivery, "send_mail", lambda to, subject, body: sent.append(
        (to, subject, body)))
    return sent


def notify_reset(app, user_id: int) -> None:
    with app.app_context():
        outbox.password_reset(db.session.get(User, user_id), session=db.session)
        db.session.commit()


def deliver(app, batch: int = 50) -> delivery.Tally:
    with app.app_context():
        return delivery.deliver_due(db.session, batch)


def test_two_workers_at_once_send_each_message_exactly_once(app, make_user, synced_library,
                                                           gateway, mails):
    admin = make_user(role="ministry_admin")
    for number in range(LEARNERS):
        make_user(audience="commune_official", confirmed_days_ago=1,
                  email=f"can-bo-{number}@example.vn")
    assign(app, admin)
    pending = rows(app, status=Status.PENDING)
    assert len(pending) == 2 * LEARNERS
    slow_send = gateway.send

    def send(self, phone, text):  # long enough for the two workers to interleave
        time.sleep(0.01)
        slow_send(self, phone, text)

    gateway.send = send
    start = threading.Barrier(2)
    tallies = []

    def worker():
        with app.app_context():
            db.session.execute(select(1))  # connected before the race starts
            db.session.commit()
            start.wait()
            tallies.append(delivery.deliver_due(db.session, batch=3))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    gateway.send = slow_send
    assert len(gateway.sent) == len({phone for phone, _ in gateway.sent}) == LEARNERS
    assert len(mails) == len({to for to, _, _ in mails}) == LEARNERS
    assert sum(tally.sent for tally in tallies) == 2 * LEARNERS
    assert all(tally.sent > 0 for tally in tallies), "both workers took part"
    assert {row.status for row in rows(app) if row.channel is not Channel.IN_APP} == {
        Status.SENT}
    assert deliver(app).handled == 0


def test_a_failure_is_retried_with_backoff_then_marked_failed(app, make_user, gateway,
                                                             monkeypatch):
    app.config.update(NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_SECONDS=60)
    learner = make_user()
    notify_reset(app, learner)
    gateway.failing = True
    start = clock.now()
    assert deliver(app).retried == 1
    [row] = rows(app, channel=Channel.SMS)
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert timedelta(seconds=59) < row.due_at - start < timedelta(seconds=70)
    assert "gateway unreachable" in row.last_error
    assert deliver(app).handled == 0  # not due yet
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=61))
    assert deliver(app).retried == 1
    [row] = rows(app, channel=Channel.SMS)
    assert row.attempts == 2
    assert timedelta(seconds=180) < row.due_at - start < timedelta(seconds=190)  # 61 + 2 x 60
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=185))
    assert deliver(app).failed == 1
    [row] = rows(app, channel=Channel.SMS)
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(days=1))
    assert deliver(app).handled == 0
    assert gateway.sent == []


def test_a_crashed_workers_claim_is_taken_over_only_after_its_lease(app, make_user, gateway,
                                                                   monkeypatch):
    learner = make_user()
    notify_reset(app, learner)
    with app.app_context():
        crashed, ids = delivery.claim(db.session, 10, clock.now())  # then the worker died
    assert len(ids) == 1
    assert deliver(app).handled == 0
    assert gateway.sent == []
    later = clock.now() + timedelta(seconds=delivery.LEASE_SECONDS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert deliver(app).sent == 1
    with app.app_context():  # the first worker, come back to life, may not send it again
        tally = delivery.Tally()
        delivery.deliver_one(db.session, crashed, ids[0], tally)
    assert tally.handled == 0
    assert len(gateway.sent) == 1
    [row] = rows(app, channel=Channel.SMS)
    assert (row.status, row.attempts, row.claim) == (Status.SENT, 2, None)


def test_a_channel_turned_off_after_enqueueing_is_skipped(app, make_user, gateway, mails):
    learner = make_user(email="tat@example.vn")
    notify_reset(app, learner)
    with app.app_context():
        choose(db.session, db.session.get(User, learner), email=False, sms=True)
        db.session.commit()
    tally = deliver(app)
    assert (tally.sent, tally.skipped) == (1, 1)
    assert mails == []
    assert len(gateway.sent) == 1
    assert {row.channel: row.status for row in rows(app)} == {
        Channel.IN_APP: Status.SENT, Channel.EMAIL: Status.SKIPPED, Channel.SMS: Status.SENT}


def test_stopping_hands_back_what_was_claimed(app, make_user, gateway):
    for _ in range(3):
        notify_reset(app, make_user())
    stop = threading.Event()
    stop.set()
    with app.app_context():
        delivery.deliver_due(db.session, 10, stop)
    assert {(row.status, row.claim) for row in rows(app, channel=Channel.SMS)} == {
        (Status.PENDING, None)}


def test_e_mail_goes_through_the_mail_module(app, make_user, caplog):
    learner = make_user(email="thu@example.vn")
    with app.app_context():
        db.session.execute(update(Notification).values(status=Status.SENT))
        db.session.commit()
    notify_reset(app, learner)
    with app.app_context():  # only the e-mail: the SMS is someone else's test
        db.session.execute(update(Notification).where(Notification.channel == Channel.SMS)
                           .values(status=Status.SKIPPED))
        db.session.commit()
    with caplog.at_level(logging.INFO, logger="onetouch.mail"):
        assert deliver(app).sent == 1
    assert "To: thu@example.vn" in caplog.text
    assert "Mật khẩu của bạn vừa được đặt lại" in caplog.text


def test_the_default_sms_gateway_writes_to_the_log(app, make_user, caplog):
    learner = make_user(phone="0912345678")
    notify_reset(app, learner)
    with app.app_context():
        assert isinstance(sms.gateway(), sms.LogGateway)
    with caplog.at_level(logging.INFO, logger="onetouch.sms"):
        assert deliver(app).sent == 1
    assert "sms (log gateway) to +84912345678: Mật khẩu của bạn vừa được đặt lại" in caplog.text


def test_a_configured_gateway_is_loaded_by_its_dotted_path(app):
    with app.app_context():
        with pytest.raises(ValueError, match="package.module:Name"):
            sms.load_gateway("tests.notifications.conftest.RecordingGateway", app.config)
        with pytest.raises(ImportError):
            sms.load_gateway("no.such.module:Gateway", app.config)
        found = sms.load_gateway("tests.notifications.conftest:RecordingGateway", app.config)
        assert isinstance(found, sms.SmsGateway)
        assert type(found).__name__ == "RecordingGateway"
        assert found.config is app.config


def test_a_claim_takes_at_most_its_batch(app, make_user):
    """PostgreSQL once ran the locking subquery again per updated row: a claim of 2 took 6."""
    for _ in range(4):
        notify_reset(app, make_user())
    with app.app_context():
        first = delivery.claim(db.session, 2, clock.now())[1]
        second = delivery.claim(db.session, 2, clock.now())[1]
        third = delivery.claim(db.session, 2, clock.now())[1]
    assert (len(first), len(second), len(third)) == (2, 2, 0)
    assert set(first).isdisjoint(second)


@pytest.mark.slow  # a worker process of its own
@pytest.mark.engines("sqlite")
def test_the_long_running_worker_delivers_then_stops_on_sigterm(app, make_user, database_url,
                                                                tmp_path):
    """Started before anything is due, it picks up a message enqueued later; SIGTERM ends it."""
    env = server_env(database_url, tmp_path / "instance")
    worker = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "flask", "--app", "onetouch", "notify", "deliver", "--poll",
         "0.2"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        notify_reset(app, make_user())
        deadline = time.monotonic() + 30
        while rows(app, channel=Channel.SMS)[0].status is not Status.SENT:
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == 0, err
    assert "sent 1" in out
    assert "sms (log gateway) to +84912" in err
