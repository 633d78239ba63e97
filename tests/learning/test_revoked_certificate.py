"""A revoked certificate reopens required training for its learner; statistics still count
the completion that happened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from onetouch.certificates.services import CertificateError
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.learning import compliance
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.stats import rollups


def _requirement(app, course_id: int, admin: int) -> int:
    with app.app_context():
        requirement = RequiredTraining(course_id=course_id, audience="citizen",
                                       province_code="01", starts_on=today() - timedelta(40),
                                       deadline=today() - timedelta(days=5), grace_days=0,
                                       created_by_id=admin)
        db.session.add(requirement)
        db.session.commit()
        return requirement.id


def _counts(app, requirement_id: int) -> tuple[int, int, int]:
    with app.app_context():
        requirement = db.session.get(RequiredTraining, requirement_id)
        rows = compliance.by_area(db.session, requirement, "01", today()).rows
        return (sum(r.in_scope for r in rows), sum(r.completed for r in rows),
                sum(r.overdue for r in rows))


def test_revoking_the_certificate_reopens_compliance(app, make_user, factories, quiz_ids):
    learner = make_user(province="01", joined_days_ago=60)
    admin = make_user(province="79", role="ministry_admin")
    certificate = factories.issue_certificate(learner)
    requirement = _requirement(app, certificate.course_id, admin)
    assert _counts(app, requirement) == (1, 1, 0)
    with app.app_context():
        # Back-dating the sign-up (joined_days_ago) differs from the sign-up rollup already;
        # the revocation must add no difference of its own.
        before = rollups.check(db.session)

    factories.revoke_certificate(certificate.id, admin)

    assert _counts(app, requirement) == (1, 0, 1)
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner))
        assert enrolment.completed_at is not None  # what statistics count is unchanged
        assert enrolment.certificate_revoked_at is not None
        assert rollups.check(db.session) == before


def test_a_failed_revocation_leaves_compliance_as_it_was(app, make_user, factories, quiz_ids):
    learner = make_user(province="01", joined_days_ago=60)
    admin = make_user(province="79", role="ministry_admin")
    certificate = factories.issue_certificate(learner)
    requirement = _requirement(app, certificate.course_id, admin)
    factories.revoke_certificate(certificate.id, admin)
    with pytest.raises(CertificateError, match="đã bị thu hồi"):
        factories.revoke_certificate(certificate.id, admin)
    assert _counts(app, requirement) == (1, 0, 1)


def test_learner_sees_the_requirement_open_again(app, make_user, login, factories, quiz_ids):
    learner = make_user(province="01", joined_days_ago=60)
    admin = make_user(province="79", role="ministry_admin")
    certificate = factories.issue_certificate(learner)
    _requirement(app, certificate.course_id, admin)
    client = app.test_client()
    login(client, learner)
    assert "Đã hoàn thành" in client.get("/my/learning").get_data(as_text=True)
    factories.revoke_certificate(certificate.id, admin)
    page = client.get("/my/learning").get_data(as_text=True)
    assert "Chứng chỉ của khóa học này đã bị thu hồi" in page
    assert "đã quá hạn 5 ngày" in page


def test_statistics_agree_with_the_raw_rows_after_a_revocation(app, make_user, factories,
                                                               quiz_ids):
    """Nobody back-dated here: ``flask stats check`` finds no difference at all."""
    learner = make_user(province="01")
    admin = make_user(province="79", role="ministry_admin")
    certificate = factories.issue_certificate(learner)
    requirement = _requirement(app, certificate.course_id, admin)
    assert _counts(app, requirement) == (1, 1, 0)
    factories.revoke_certificate(certificate.id, admin)
    assert _counts(app, requirement) == (1, 0, 0)  # reopened; joined today: due today
    result = app.test_cli_runner().invoke(args=["stats", "check"])
    assert result.exit_code == 0, result.output
    assert "statistics agree with the raw rows" in result.output
