"""The running counts behind the compliance dashboard (``learning/tallies.py``), kept by
triggers: equal to a recount after every kind of change to a learner or an enrolment, under
concurrent writers of one commune, and checked and rebuilt from the command line. A figure
is the sum of its key's shards (PostgreSQL spreads concurrent writers over them)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from sqlalchemy import delete, func, select, update

from onetouch.accounts import officials
from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.services import update_profile
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning import services as learning
from onetouch.learning import tallies
from onetouch.learning.models import Enrolment
from onetouch.learning.tallies import EnrolmentTally, PeopleTally
from onetouch.privacy.erasure import Reason, delete_account

OFFICIAL = AudienceGroup.COMMUNE_OFFICIAL


def _agree(app) -> None:
    with app.app_context():
        assert tallies.check(db.session) == []


def _people(app, commune: str, confirmed: bool, audience=OFFICIAL) -> int:
    with app.app_context():
        return db.session.scalar(select(func.sum(PeopleTally.people)).where(
            PeopleTally.commune_code == commune, PeopleTally.audience == audience,
            PeopleTally.confirmed.is_(confirmed))) or 0


def _enrolments(app, commune: str, confirmed: bool = True) -> tuple[int, int]:
    with app.app_context():
        row = db.session.execute(
            select(func.sum(EnrolmentTally.enrolled), func.sum(EnrolmentTally.completed))
            .where(EnrolmentTally.commune_code == commune, EnrolmentTally.audience == OFFICIAL,
                   EnrolmentTally.confirmed.is_(confirmed))).one()
        return (row[0] or 0, row[1] or 0)


def _communes(app, count: int, province: str = "01") -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Commune.code).where(
            Commune.province_code == province).order_by(Commune.code).limit(count)))


def test_a_learner_is_counted_at_every_step(app, make_user, factories, synced_library):
    """Declared, confirmed, enrolled, left the course, back, completed, certificate revoked."""
    (commune,) = _communes(app, 1)
    admin = make_user(role="province_admin", role_province="01", audience="civil_servant")
    official = make_user(commune=commune, audience=OFFICIAL)
    assert (_people(app, commune, False), _people(app, commune, True)) == (1, 0)
    with factories.unit() as session:
        officials.confirm(session, session.get(User, admin), session.get(User, official))
    assert (_people(app, commune, False), _people(app, commune, True)) == (0, 1)
    factories.enrol(official)
    assert _enrolments(app, commune) == (1, 0)
    with factories.unit() as session:
        learning.leave(session, session.scalar(select(Enrolment)
                                               .where(Enrolment.user_id == official)))
    assert _enrolments(app, commune) == (0, 0)
    _agree(app)
    certificate = factories.issue_certificate(official)
    assert _enrolments(app, commune) == (1, 1)
    factories.revoke_certificate(certificate.id, admin)
    assert _enrolments(app, commune) == (1, 0)
    _agree(app)


def test_a_learner_who_moves_takes_their_counts_along(app, make_user, factories,
                                                      synced_library):
    first, second = _communes(app, 2)
    official = make_user(commune=first, audience=OFFICIAL, confirmed_days_ago=5)
    factories.complete_course(official)
    assert (_people(app, first, True), _enrolments(app, first)) == (1, (1, 1))
    with factories.unit() as session:
        user = session.get(User, official)
        update_profile(session, user, full_name=user.full_name, phone=user.phone,
                       email=user.email, province_code="01", commune_code=second,
                       audience=OFFICIAL, position=user.position)
    assert (_people(app, first, True), _enrolments(app, first)) == (0, (0, 0))
    # Declared again in the new commune (accounts/services.py), with what they did.
    assert (_people(app, second, False), _enrolments(app, second, False)) == (1, (1, 1))
    _agree(app)


def test_a_rejected_declaration_and_a_deactivated_account(app, make_user, factories,
                                                          synced_library):
    (commune,) = _communes(app, 1)
    admin = make_user(role="province_admin", role_province="01", audience="civil_servant")
    declared, other = (make_user(commune=commune, audience=OFFICIAL) for _ in range(2))
    factories.enrol(declared)
    with factories.unit() as session:
        officials.reject(session, session.get(User, admin), session.get(User, declared))
        session.execute(update(User).where(User.id == other).values(is_active=False))
    assert _people(app, commune, False) == 0
    assert _people(app, commune, False, AudienceGroup.CITIZEN) == 1
    _agree(app)


def test_a_deleted_account_and_a_deleted_enrolment(app, make_user, factories, synced_library):
    (commune,) = _communes(app, 1)
    official, other = (make_user(commune=commune, audience=OFFICIAL, confirmed_days_ago=5)
                       for _ in range(2))
    factories.complete_course(official)
    factories.enrol(other)
    assert (_people(app, commune, True), _enrolments(app, commune)) == (2, (2, 1))
    with factories.unit() as session:
        delete_account(session, session.get(User, official), Reason.REQUEST)
    assert (_people(app, commune, True), _enrolments(app, commune)) == (1, (1, 0))
    _agree(app)
    with factories.unit() as session:
        session.execute(delete(Enrolment).where(Enrolment.user_id == other))
    # The deleted account is kept, anonymised and inactive: it counts no more.
    assert (_people(app, commune, True), _enrolments(app, commune)) == (1, (0, 0))
    _agree(app)


def test_writers_of_one_commune_at_once_all_count(app, make_user, factories, synced_library):
    """Sixteen officials of one commune complete the course at the same moment: each is
    counted once (an upsert of one row, not a read then a write)."""
    (commune,) = _communes(app, 1)
    people = [make_user(commune=commune, audience=OFFICIAL, confirmed_days_ago=5)
              for _ in range(16)]
    start = threading.Barrier(len(people))

    def complete(user_id: int) -> None:
        start.wait()
        factories.complete_course(user_id)

    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(complete, people))
    assert _enrolments(app, commune) == (16, 16)
    _agree(app)


def test_check_finds_a_difference_and_rebuild_mends_it(app, runner, make_user, factories,
                                                       synced_library):
    (commune,) = _communes(app, 1)
    official = make_user(commune=commune, audience=OFFICIAL, confirmed_days_ago=5)
    factories.complete_course(official)
    with factories.unit() as session:
        tallies.rebuild(session)  # one row a key (PostgreSQL's writers spread over shards)
    with factories.unit() as session:
        session.execute(update(EnrolmentTally).values(completed=EnrolmentTally.completed + 4))
        session.execute(update(PeopleTally).values(people=0))
    result = runner.invoke(args=["compliance", "check"])
    assert result.exit_code == 1
    assert "2 difference(s)" in result.output
    assert "stored (1, 5), recounted (1, 1)" in result.output
    result = runner.invoke(args=["compliance", "rebuild"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["compliance", "check"])
    assert (result.exit_code, result.output.strip()) == (
        0, "compliance counts agree with the raw rows")
    assert (_people(app, commune, True), _enrolments(app, commune)) == (1, (1, 1))


def test_on_postgresql_two_learners_of_one_commune_do_not_wait_for_each_other(
        app, engine, database_url, make_user, factories, synced_library):
    """One completes the course and has not committed yet; the other, of the same commune,
    completes it too without waiting: each transaction adds to a shard of its own (by its
    transaction id; these two are consecutive)."""
    if engine != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    (commune,) = _communes(app, 1)
    people = [make_user(commune=commune, audience=OFFICIAL, confirmed_days_ago=5)
              for _ in range(2)]
    enrolments = [factories.enrol(user_id) for user_id in people]
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as first, psycopg.connect(dsn) as second:
        second.execute("SET lock_timeout = '2s'")
        for connection, enrolment in ((first, enrolments[0]), (second, enrolments[1])):
            connection.execute("UPDATE enrolments SET completed_at = now() WHERE id = %s",
                               (enrolment,))
        second.commit()
        first.commit()
    assert _enrolments(app, commune) == (2, 2)
    _agree(app)
