"""Demo certificates carry numbers of the real form, so that an admin finds them by number on
/admin/certificates (and anyone on /verify) as they would a real one."""

from __future__ import annotations

from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.certificates.models import Certificate
from onetouch.certificates.services import NUMBER, by_number
from onetouch.demo.learners import certificate_number
from onetouch.extensions import db

JULY_2026 = 1_783_000_000  # 2026-07-02 in Việt Nam


def test_numbers_are_of_the_real_form_and_never_repeat():
    numbers = [certificate_number(enrolment_id, JULY_2026) for enrolment_id in range(1, 50_001)]
    assert all(NUMBER.match(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    assert {number[3:7] for number in numbers} == {"2026"}
    # The year is the year in Việt Nam: 31 December 2025, 18:00 UTC is 1 January 2026 there.
    assert certificate_number(1, 1_767_204_000)[3:7] == "2026"


def test_a_number_a_real_certificate_holds_is_stepped_over():
    first = certificate_number(42, JULY_2026)
    second = certificate_number(42, JULY_2026, taken={first})
    assert second != first
    assert NUMBER.match(second)
    # Still apart from every other demo number.
    assert second not in {certificate_number(i, JULY_2026) for i in range(1, 20_000)}


def test_an_admin_finds_a_demo_certificate_by_number(app, runner, synced_library, make_user,
                                                     login):
    result = runner.invoke(args=["demo", "seed", "--learners", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        certificate = db.session.scalar(select(Certificate).order_by(Certificate.id))
        number, name = certificate.number, certificate.learner_name
        assert by_number(db.session, number.lower()).id == certificate.id
    admin = login(app.test_client(), make_user(role="ministry_admin"))
    page = admin.get("/admin/certificates", query_string={"number": number})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert name in text
    assert "Không tìm thấy chứng chỉ này." not in text
    assert app.test_client().get("/verify", query_string={"number": number}).status_code == 200


def test_a_seed_beside_real_certificates_keeps_their_numbers(app, runner, synced_library,
                                                             certified):
    with app.app_context():
        real = set(db.session.scalars(select(Certificate.number)))
    assert real
    result = runner.invoke(args=["demo", "seed", "--learners", "80", "--force"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo = set(db.session.scalars(select(Certificate.number).join(
            User, User.id == Certificate.user_id).where(User.is_demo)))
    assert demo
    assert not demo & real
    assert all(NUMBER.match(number) for number in demo)
