"""Admin pages name provinces, communes and roles: never a code, never a count."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.audit.models import Action, AuditEntry
from onetouch.extensions import db
from tests.audit.test_audit import requirement_form

HANOI, SAIGON = "Thành phố Hà Nội", "Thành phố Hồ Chí Minh"


@pytest.fixture
def ministry(app, make_user, login):
    return login(app.test_client(), make_user(role="ministry_admin", full_name="Bà Bộ"))


def cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", page, re.S)]


def test_a_requirement_scope_is_the_province_name(app, ministry, synced_library):
    assert ministry.post("/admin/required", data=requirement_form(app, "01")).status_code == 302
    assert ministry.post("/admin/required", data=requirement_form(app, "")).status_code == 302
    shown = cells(ministry.get("/admin/required").get_data(as_text=True))
    assert HANOI in shown
    assert "Toàn quốc" in shown
    assert "01" not in shown


def test_roles_are_named_with_their_province(app, ministry, make_user):
    make_user(province="79", full_name="Ông Quản Trị Tỉnh", role="province_admin",
              role_province="79")
    make_user(full_name="Ông Học Viên")
    found = ministry.get("/admin/users?q=%C3%94ng").get_data(as_text=True)
    rows = {row[0]: row[2] for row in (cells(r) for r in re.findall(
        r"<tr>(.*?)</tr>", found, re.S)) if len(row) == 3}
    assert rows["Ông Quản Trị Tỉnh"] == f"Quản trị tỉnh: {SAIGON}"
    assert rows["Ông Học Viên"] == "Người học"


def test_the_user_page_names_the_province_of_a_role(app, ministry, make_user):
    user = make_user(role="province_admin", role_province="79")
    page = ministry.get(f"/admin/users/{user}").get_data(as_text=True)
    assert f"Quản trị tỉnh: {SAIGON}" in page
    assert "Quản trị tỉnh: 79" not in page


def test_audit_entries_name_the_province_and_the_commune(app, ministry, make_user, login):
    learner = make_user(province="79", full_name="Anh Được Cấp")
    assert ministry.post(f"/admin/users/{learner}/roles",
                         data={"role": "province_admin", "province_code": "79"}
                         ).status_code == 302
    helper = make_user(province="01", audience="digital_team", confirmed_days_ago=1)
    citizen = make_user(province="01", full_name="Bà Được Giúp", assisted_by=helper)
    with app.app_context():
        details = {e.action: e.details for e in db.session.scalars(select(AuditEntry))}
        commune = db.session.get(User, citizen).commune.name
    assert details[Action.ROLE_GRANTED] == f"Quản trị tỉnh – {SAIGON}"
    assert details[Action.ASSISTED_SIGNUP] == commune
    page = ministry.get("/admin/audit").get_data(as_text=True)
    assert f"Quản trị tỉnh – {SAIGON}" in page
    assert commune in page
