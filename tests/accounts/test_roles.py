"""Roles from the command line and from the ministry admin's pages."""

from __future__ import annotations

from sqlalchemy import select

from onetouch.accounts.models import Role, RoleGrant, User
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD


def test_create_admin_and_grant_province_admin(runner, app, make_user):
    created = runner.invoke(args=["users", "create-admin", "--name", "Quản trị Bộ",
                                  "--email", "admin@example.org", "--commune", "00004"],
                            input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    make_user(phone="+84912000001")
    granted = runner.invoke(args=["users", "grant", "--role", "province-admin",
                                  "--province", "01", "0912000001"])
    assert granted.exit_code == 0, granted.output
    again = runner.invoke(args=["users", "grant", "--role", "province-admin",
                                "--province", "01", "0912000001"])
    assert again.exit_code == 0
    with app.app_context():
        grants = db.session.scalars(select(RoleGrant)).all()
        assert sorted((g.role.value, g.province_code) for g in grants) == [
            ("ministry_admin", None), ("province_admin", "01")]


def test_grant_refuses_unknown_user_and_province(runner, make_user):
    make_user(phone="+84912000001")
    unknown_user = runner.invoke(args=["users", "grant", "--role", "ministry-admin", "0999"])
    assert unknown_user.exit_code == 1
    assert "no user" in unknown_user.output
    bad_province = runner.invoke(args=["users", "grant", "--role", "province-admin",
                                       "--province", "99", "0912000001"])
    assert bad_province.exit_code == 1
    no_province = runner.invoke(args=["users", "grant", "--role", "province-admin",
                                      "0912000001"])
    assert "needs --province" in no_province.output


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(args=["users", "create-admin", "--name", "A", "--email", "a@b.vn",
                                 "--commune", "00004"], input="12345678\n12345678\n")
    assert result.exit_code == 1
    assert "phổ biến" in result.output


def test_ministry_admin_grants_and_revokes_in_the_ui(client, app, make_user, login):
    admin = make_user(role="ministry_admin")
    learner = make_user(province="79")
    login(client, admin)
    found = client.get("/admin/users?q=Người Học 2").get_data(as_text=True)
    assert f"/admin/users/{learner}" in found
    response = client.post(f"/admin/users/{learner}/roles",
                           data={"role": "province_admin", "province_code": "79"})
    assert response.status_code == 302
    with app.app_context():
        grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == learner))
        assert (grant.role, grant.province_code) == (Role.PROVINCE_ADMIN, "79")
        grant_id = grant.id
    assert client.post(f"/admin/users/{learner}/roles/{grant_id}/revoke").status_code == 302
    with app.app_context():
        assert db.session.get(User, learner).roles == []


def test_province_admin_grant_needs_a_province(client, make_user, login):
    login(client, make_user(role="ministry_admin"))
    learner = make_user()
    response = client.post(f"/admin/users/{learner}/roles", data={"role": "province_admin"})
    assert response.status_code == 422
    assert "Hãy chọn tỉnh, thành phố cho quản trị tỉnh." in response.get_data(as_text=True)


def test_only_ministry_admins_manage_roles(client, make_user, login):
    login(client, make_user(role="province_admin", role_province="01"))
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/users/1/roles", data={"role": "ministry_admin"}).status_code == 403
