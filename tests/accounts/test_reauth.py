"""Sensitive changes ask for the password: a new e-mail or phone (and the old e-mail is told),
a new password, role actions by admins; revoked roles stay on record and count for nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from onetouch.accounts import roles
from onetouch.accounts.models import Role, RoleGrant, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD

WRONG = "Sai-mat-khau-1"


def profile_form(app, user_id: int, **changes) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        form = {"full_name": user.full_name, "phone": "0" + user.phone.removeprefix("+84"),
                "email": user.email or "", "province_code": user.province_code,
                "commune_code": user.commune_code, "audience": user.audience.value,
                "position": user.position or ""}
    return {**form, **changes}


def contact(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        return user.phone, user.email


@pytest.fixture
def lan(app, client, make_user, login):
    user_id = make_user(phone="+84912000001", email="lan@example.org", full_name="Trần Thị Lan")
    login(client, user_id)
    return user_id


@pytest.mark.parametrize("change", [{"email": "ke-gian@example.org"}, {"phone": "0988000002"}])
def test_a_new_email_or_phone_needs_the_current_password(app, client, lan, change):
    before = contact(app, lan)
    missing = client.post("/profile", data=profile_form(app, lan, **change))
    assert missing.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in missing.get_data(as_text=True)
    wrong = client.post("/profile", data=profile_form(app, lan, current_password=WRONG, **change))
    assert wrong.status_code == 422
    assert contact(app, lan) == before


def test_the_old_email_is_told_of_a_new_one(app, client, lan, caplog):
    caplog.set_level("INFO")
    done = client.post("/profile", data=profile_form(app, lan, email="Lan.Moi@example.org",
                                                     current_password=PASSWORD))
    assert done.status_code == 302
    assert contact(app, lan) == ("+84912000001", "lan.moi@example.org")
    [mail] = [r.getMessage() for r in caplog.records if r.name == "onetouch.mail"]
    assert "To: lan@example.org" in mail
    assert "Subject: Thông tin liên lạc của tài khoản OneTouch đã thay đổi" in mail
    assert "Email của tài khoản OneTouch của bạn vừa được đổi" in mail
    assert "Trần Thị Lan" in mail


def test_other_profile_fields_need_no_password(app, client, lan, caplog):
    caplog.set_level("INFO")
    done = client.post("/profile", data=profile_form(app, lan, full_name="Trần Thị Lan Anh"))
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(User, lan).full_name == "Trần Thị Lan Anh"
    assert not [r for r in caplog.records if r.name == "onetouch.mail"]


@pytest.fixture
def admin(app, make_user, login):
    admin_id = make_user(role="ministry_admin", full_name="Bà Quản Trị")
    return admin_id, login(app.test_client(), admin_id)


def test_role_actions_ask_for_the_password_after_a_few_minutes(app, admin, make_user, later):
    admin_id, client = admin
    learner = make_user(province="79")
    grant = {"role": "province_admin", "province_code": "79"}
    assert client.post(f"/admin/users/{learner}/roles", data=grant).status_code == 302  # fresh
    with app.app_context():
        grant_id = db.session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == learner))
    later(minutes=6)
    asked = client.post(f"/admin/users/{learner}/roles/{grant_id}/revoke")
    assert asked.headers["Location"] == f"/reauth?next=/admin/users/{learner}"
    with app.app_context():
        assert roles.is_admin(db.session.get(User, learner))  # nothing was done
    confirmed = client.post(asked.headers["Location"], data={"current_password": PASSWORD})
    assert confirmed.headers["Location"] == f"/admin/users/{learner}"
    assert client.post(f"/admin/users/{learner}/roles/{grant_id}/revoke").status_code == 302


def test_a_revoked_role_stays_on_record_and_counts_for_nothing(app, admin, make_user, login):
    admin_id, client = admin
    learner = make_user(province="79", full_name="Anh Được Cấp")
    client.post(f"/admin/users/{learner}/roles", data={"role": "province_admin",
                                                      "province_code": "79"})
    with app.app_context():
        grant_id = db.session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == learner))
    assert client.post(f"/admin/users/{learner}/roles/{grant_id}/revoke").status_code == 302
    with app.app_context():
        user = db.session.get(User, learner)
        kept = db.session.get(RoleGrant, grant_id)
        assert (kept.revoked_by_id, kept.granted_by_id) == (admin_id, admin_id)
        assert kept.revoked_at is not None
        assert not roles.is_admin(user)
        assert not user.has_roles
        assert not roles.can_manage_province(user, "79")
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_id == learner).order_by(AuditEntry.id)).all()
        assert actions == [Action.ROLE_GRANTED, Action.ROLE_REVOKED]
    page = client.get(f"/admin/users/{learner}").get_data(as_text=True)
    assert "Vai trò đã thu hồi" in page
    former = login(app.test_client(), learner)
    assert former.get("/admin/required").status_code == 403
    # Granted again: a new live grant beside the revoked one.
    client.post(f"/admin/users/{learner}/roles", data={"role": "province_admin",
                                                      "province_code": "79"})
    with app.app_context():
        grants = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == learner)
                                    .order_by(RoleGrant.id)).all()
        assert [g.revoked_at is None for g in grants] == [False, True]
        assert roles.is_admin(db.session.get(User, learner))
        assert [g.role for g in db.session.get(User, learner).roles] == [Role.PROVINCE_ADMIN]
