"""One-time password codes: issued by a helper who may, used once with the phone, within
24 hours, guesses counted, one audit entry per code issued."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from onetouch.accounts import codes
from onetouch.accounts.models import ResetCode, ThrottleEvent, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.extensions import db

NEW = "Song-Da!Nui-Tan-Vien-31"
CODE = re.compile(r'class="code-display"[^>]*>([A-Z0-9]{4}) ([A-Z0-9]{4})<')


def issue(client, learner: int) -> str:
    response = client.post(f"/password/code/issue/{learner}")
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.headers["Cache-Control"] == "no-store"
    return "".join(CODE.search(response.get_data(as_text=True)).groups())


def use(client, code: str, phone: str = "0912 000 002", password: str = NEW):
    return client.post("/password/code", data={"identifier": phone, "code": code,
                                                "new_password": password, "confirm": password})


def audit_entries(app) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == Action.PASSWORD_RESET_BY_HELPER)))


def helper_and_citizen(make_user) -> tuple[int, int]:
    helper = make_user(audience="digital_team", full_name="Anh Tổ Viên",  # +84912000001
                       confirmed_days_ago=1)
    return helper, make_user(assisted_by=helper, full_name="Bà Tư")  # +84912000002


def test_a_team_member_issues_a_code_the_learner_uses_once(app, client, make_user, login):
    helper, citizen = helper_and_citizen(make_user)
    learner_browser = login(app.test_client(), citizen)
    login(client, helper)
    assert "Cấp mã đặt lại" in client.get("/assist").get_data(as_text=True)
    code = issue(client, citizen)
    assert len(code) == 8
    assert not set(code) & set("01OIL")
    visitor = app.test_client()
    response = use(visitor, f"{code[:4].lower()} {code[4:]}")  # as typed on a phone
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert login(visitor, citizen, password=NEW)
    # The learner's other sessions ended with the new password.
    assert learner_browser.get("/profile").status_code == 302
    # Used: the same code again is refused, and the password stays the new one.
    again = use(app.test_client(), code, password="Mot-Mat-Khau-Khac!42")
    assert again.status_code == 422
    assert "mã đã hết hạn" in again.get_data(as_text=True)
    entries = audit_entries(app)
    assert len(entries) == 1
    assert (entries[0].actor_id, entries[0].target_id) == (helper, citizen)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ResetCode)) == 0


def test_a_code_expires_after_24_hours(app, client, make_user, login, later):
    helper, citizen = helper_and_citizen(make_user)
    login(client, helper)
    code = issue(client, citizen)
    later(hours=23, minutes=59)
    assert use(app.test_client(), code, password="12345678").status_code == 422  # policy
    later(hours=24, minutes=1)
    response = use(app.test_client(), code)
    assert response.status_code == 422
    assert "mã đã hết hạn" in response.get_data(as_text=True)


def test_a_new_code_voids_the_old_one(app, client, make_user, login):
    helper, citizen = helper_and_citizen(make_user)
    login(client, helper)
    first = issue(client, citizen)
    second = issue(client, citizen)
    assert use(app.test_client(), first).status_code == 422
    assert use(app.test_client(), second).status_code == 302
    assert len(audit_entries(app)) == 2


def test_wrong_codes_are_counted_and_lock_the_account(app, client, make_user, login):
    helper, citizen = helper_and_citizen(make_user)
    login(client, helper)
    code = issue(client, citizen)
    visitor = app.test_client()
    wrong = "2345" + ("6789" if code[4:] != "6789" else "ABCD")
    assert use(visitor, wrong).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            ThrottleEvent.key == f"code:user:{citizen}")) == 1
    for _ in range(codes.GUESSES_PER_HOUR - 1):
        use(app.test_client(), wrong)
    locked = use(app.test_client(), code)
    assert locked.status_code == 429
    assert "Retry-After" in locked.headers
    with app.app_context():
        assert db.session.get(User, citizen) is not None
        assert db.session.scalar(select(func.count()).select_from(ResetCode)) == 1


def test_an_unknown_phone_is_refused_like_a_wrong_code(app, client):
    response = use(client, "ABCD2345", phone="0988 777 666")
    assert response.status_code == 422
    assert "mã đã hết hạn" in response.get_data(as_text=True)


def test_who_may_issue_a_code(app, client, make_user, login):
    helper, citizen = helper_and_citizen(make_user)
    other_helper = make_user(audience="digital_team", confirmed_days_ago=1)
    former = make_user(audience="digital_team", confirmed_days_ago=1)
    theirs = make_user(assisted_by=former)
    with app.app_context():  # the province withdrew the confirmation since
        db.session.get(User, former).official_confirmed_at = None
        db.session.commit()
    stranger = make_user(province="79")
    admin_01 = make_user(role="province_admin", role_province="01")
    minister = make_user(role="ministry_admin")
    for issuer, learner, status in (
        (other_helper, citizen, 403),  # did not sign her up
        (former, theirs, 403),  # no longer a confirmed team member
        (helper, stranger, 403),
        (admin_01, stranger, 403),  # another province
        (admin_01, minister, 403),  # an admin resets by e-mail
        (admin_01, citizen, 200),
        (minister, stranger, 200),
    ):
        browser = login(app.test_client(), issuer)
        assert browser.post(f"/password/code/issue/{learner}").status_code == status
    assert client.post(f"/password/code/issue/{citizen}").status_code == 302  # log in first
    assert len(audit_entries(app)) == 2  # refused issues wrote nothing


def test_forgot_password_points_phone_only_users_to_codes(client):
    page = client.get("/password/forgot").get_data(as_text=True)
    assert 'href="/password/code"' in page
    assert client.get("/password/code").status_code == 200


def test_the_password_policy_applies_and_keeps_the_code(app, client, make_user, login):
    helper, citizen = helper_and_citizen(make_user)
    login(client, helper)
    code = issue(client, citizen)
    assert use(app.test_client(), code, password="12345678").status_code == 422
    assert use(app.test_client(), code).status_code == 302
