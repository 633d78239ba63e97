"""20 completions of the same course at the same moment issue exactly one certificate; two
revocations at the same moment both set their bits in the published status list."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from onetouch.accounts.models import User
from onetouch.certificates import bitstring, services
from onetouch.certificates.models import Certificate, StatusEntry, StatusList
from onetouch.content.models import Course, Module
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.learning.services import final_exam_passed
from tests.learning.test_concurrency import prepare

COMPLETIONS = 20


def ready_to_complete(app) -> int:
    """An enrolment with every module done: passing the final exam completes it."""
    with app.app_context():
        course = db.session.scalar(select(Course))
        user = db.session.get(User, 1)
        enrolment = Enrolment(user_id=user.id, course_id=course.id,
                              commune_code=user.commune_code, audience=user.audience)
        db.session.add(enrolment)
        db.session.flush()
        for module in db.session.scalars(select(Module).where(Module.course_id == course.id)):
            db.session.add(ModuleProgress(enrolment_id=enrolment.id, module_id=module.id,
                                          completed_at=utcnow()))
        db.session.commit()
        return enrolment.id


def complete_at_once(app, enrolment_id: int) -> list[str]:
    # The barrier comes before any database work: a thread waiting there must not hold one
    # of the pool's connections, or the others could never reach it.
    start = threading.Barrier(COMPLETIONS, timeout=60)

    def complete(_):
        start.wait()
        with app.app_context():
            enrolment = db.session.get(Enrolment, enrolment_id)
            final_exam_passed(db.session, enrolment)
            db.session.commit()
            number = db.session.scalar(select(Certificate.number))
            db.session.remove()
            return number

    with ThreadPoolExecutor(COMPLETIONS) as pool:
        return list(pool.map(complete, range(COMPLETIONS)))


def check(app, numbers: list[str]) -> None:
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
        only = db.session.scalar(select(Certificate.number))
    assert numbers == [only] * COMPLETIONS


def test_twenty_concurrent_completions(app, synced_library):
    prepare(app)
    check(app, complete_at_once(app, ready_to_complete(app)))


def test_two_revocations_at_once_both_reach_the_status_list(app, make_user, factories,
                                                            synced_library):
    """Each revocation sets its bit in the same list and signs it again: without the list's
    row lock, the second would write the bits it read before the first committed, and one
    bit would be lost."""
    certificates = [factories.issue_certificate(make_user(province=code)).id
                    for code in ("01", "79")]
    admin = make_user(role="ministry_admin")
    start = threading.Barrier(len(certificates), timeout=60)

    def revoke(certificate_id: int) -> None:
        start.wait()
        with app.app_context():
            services.revoke(db.session, db.session.get(Certificate, certificate_id),
                            db.session.get(User, admin), "Gian lận khi làm bài thi")
            db.session.commit()
            db.session.remove()

    with ThreadPoolExecutor(len(certificates)) as pool:
        list(pool.map(revoke, certificates))
    with app.app_context():
        positions = db.session.scalars(select(StatusEntry.position)
                                       .where(StatusEntry.list_id == 1)).all()
        stored = db.session.get(StatusList, 1)
        published = bitstring.decode(
            json.loads(stored.document)["credentialSubject"]["encodedList"])
    assert len(positions) == len(certificates)
    for bits in (stored.bits, published):
        assert [bitstring.is_set(bits, position) for position in positions] == [True, True]
        assert sum(bin(byte).count("1") for byte in bits) == len(certificates)
