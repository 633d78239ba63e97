"""The outbox is written in the event's transaction: one row per learner and channel, for the
learners the event concerns, on the channels they chose; the same event twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from onetouch.accounts import services as accounts
from onetouch.accounts.models import User
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.learning.models import RequiredTraining
from onetouch.notifications import outbox
from onetouch.notifications.models import (
    Channel,
    ChannelChoice,
    Kind,
    Notification,
    ReminderMark,
    Status,
)
from onetouch.notifications.schedule import schedule
from onetouch.notifications.services import choose
from onetouch.privacy.erasure import Reason, delete_account
from tests.notifications.conftest import assign, rows


def test_a_requirement_reaches_every_confirmed_official_in_scope(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    official = make_user(province="01", audience="commune_official", confirmed_days_ago=3,
                         email="a@example.vn")
    far = make_user(province="79", audience="commune_official", confirmed_days_ago=3)
    declared = make_user(province="01", audience="commune_official")  # not confirmed yet
    citizen = make_user(province="01", audience="citizen")
    requirement_id = assign(app, admin)
    found = rows(app, kind=Kind.REQUIREMENT_ASSIGNED)
    assert {(row.user_id, row.channel) for row in found} == {
        (official, Channel.IN_APP), (official, Channel.EMAIL), (official, Channel.SMS),
        (far, Channel.IN_APP), (far, Channel.SMS)}  # no e-mail address: no e-mail row
    assert declared not in {row.user_id for row in found}
    assert citizen not in {row.user_id for row in found}
    in_app = [row for row in found if row.channel is Channel.IN_APP]
    assert {row.status for row in in_app} == {Status.SENT}
    assert {row.status for row in found if row.channel is not Channel.IN_APP} == {Status.PENDING}
    assert {row.params["requirement"] for row in found} == {requirement_id}
    assert {row.key for row in found} == {f"requirement:{requirement_id}"}


def test_a_province_requirement_stays_in_its_province(app, make_user, synced_library):
    admin = make_user(role="province_admin", role_province="01")
    inside = make_user(province="01", audience="commune_official", confirmed_days_ago=1)
    make_user(province="79", audience="commune_official", confirmed_days_ago=1)
    assign(app, admin, province="01")
    assert {row.user_id for row in rows(app, kind=Kind.REQUIREMENT_ASSIGNED)} == {inside}


def test_a_rolled_back_requirement_enqueues_nothing(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    make_user(audience="commune_official", confirmed_days_ago=1)
    assign(app, admin, commit=False)
    assert rows(app) == []


def test_enqueueing_the_same_event_twice_adds_nothing(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    make_user(audience="commune_official", confirmed_days_ago=1)
    requirement_id = assign(app, admin)
    before = len(rows(app))
    with app.app_context():
        outbox.requirement_created(db.session.get(RequiredTraining, requirement_id),
                                   session=db.session)
        db.session.commit()
    assert len(rows(app)) == before == 2


def test_channel_choices_are_respected_when_enqueueing(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    quiet = make_user(audience="commune_official", confirmed_days_ago=1, email="q@example.vn")
    with app.app_context():
        choose(db.session, db.session.get(User, quiet), email=False, sms=False)
        db.session.commit()
    assign(app, admin)
    assert [row.channel for row in rows(app, user_id=quiet)] == [Channel.IN_APP]


def test_certificate_issued_and_revoked_notify_the_learner(app, make_user, factories,
                                                         synced_library):
    admin = make_user(role="ministry_admin")
    learner = make_user(email="hoc@example.vn")
    certificate = factories.issue_certificate(learner)
    issued = rows(app, kind=Kind.CERTIFICATE_ISSUED)
    assert {row.channel for row in issued} == set(Channel)
    assert {row.user_id for row in issued} == {learner}
    assert issued[0].params["number"] == certificate.number
    factories.revoke_certificate(certificate.id, admin, reason="Gian lận")
    revoked = rows(app, kind=Kind.CERTIFICATE_REVOKED, channel=Channel.IN_APP)
    assert [(row.user_id, row.params["reason"]) for row in revoked] == [(learner, "Gian lận")]


def test_a_password_reset_notifies_the_owner_and_a_failed_one_does_not(app, make_user):
    learner = make_user()
    with app.app_context():
        user = db.session.get(User, learner)
        try:
            accounts.reset_password(db.session, user, "123")  # too short: refused
        except accounts.AccountError:
            db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        accounts.reset_password(db.session, db.session.get(User, learner),
                                "Mot-Mat-Khau-Moi-Rat-Dai-42")
        db.session.commit()
    assert [(row.kind, row.channel) for row in rows(app)] == [
        (Kind.PASSWORD_RESET, Channel.IN_APP), (Kind.PASSWORD_RESET, Channel.SMS)]


def test_no_choice_row_means_every_channel(app, make_user):
    learner = make_user(email="x@example.vn")
    with app.app_context():
        assert db.session.get(ChannelChoice, learner) is None
        outbox.password_reset(db.session.get(User, learner), session=db.session)
        db.session.commit()
    assert len(rows(app, user_id=learner)) == 3


def test_deleting_the_account_deletes_its_notifications(app, make_user, synced_library):
    admin = make_user(role="ministry_admin")
    leaving = make_user(audience="commune_official", confirmed_days_ago=60)
    staying = make_user(audience="commune_official", confirmed_days_ago=60)
    assign(app, admin, deadline_in=7)
    with app.app_context():
        schedule(db.session, today())
        choose(db.session, db.session.get(User, leaving), email=False, sms=True)
        db.session.commit()
        delete_account(db.session, db.session.get(User, leaving), Reason.REQUEST)
        db.session.commit()
        assert db.session.get(ChannelChoice, leaving) is None
        assert db.session.scalars(select(ReminderMark.user_id)).all() == [staying]
    assert rows(app, user_id=leaving) == []
    assert rows(app, user_id=staying) != []
