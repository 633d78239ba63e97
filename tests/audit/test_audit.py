"""The audit log: every administrative action writes exactly one entry in its own transaction
(a refused action writes none), admins read their own scope, and nothing edits an entry."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from onetouch.accounts.models import RoleGrant
from onetouch.audit.models import Action, AuditEntry
from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.extensions import db
from tests.accounts.test_assisted import citizen_form


def entries(app) -> list[tuple]:
    with app.app_context():
        return [(e.action, e.actor_name, e.target_name, e.province_code) for e in
                db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def requirement_form(app, province: str, deadline: int = 10) -> dict:
    with app.app_context():
        course = db.session.scalar(select(Course.id))
    return {"course_id": course, "audience": "commune_official", "province_code": province,
            "starts_on": today().isoformat(),
            "deadline": (today() + timedelta(days=deadline)).isoformat()}


@pytest.fixture
def admin(app, make_user, login):
    client = login(app.test_client(), make_user(role="ministry_admin", full_name="Bà Quản Trị"))
    with app.app_context():
        db.session.execute(AuditEntry.__table__.delete())  # the fixture's own grant
        db.session.commit()
    return client


def test_role_grant_and_revoke_write_one_entry_each(app, admin, make_user):
    learner = make_user(province="79", full_name="Anh Được Cấp")
    assert admin.post(f"/admin/users/{learner}/roles",
                      data={"role": "province_admin", "province_code": "79"}).status_code == 302
    with app.app_context():
        grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == learner))
    assert admin.post(f"/admin/users/{learner}/roles/{grant.id}/revoke").status_code == 302
    assert entries(app) == [
        (Action.ROLE_GRANTED, "Bà Quản Trị", f"Anh Được Cấp (#{learner})", "79"),
        (Action.ROLE_REVOKED, "Bà Quản Trị", f"Anh Được Cấp (#{learner})", "79")]


def test_refused_actions_write_nothing(app, admin, make_user, synced_library, factories):
    learner = make_user()
    # A province admin without a province, a deadline before the start, a revocation
    # without a reason: each refused, each leaves the log as it was.
    assert admin.post(f"/admin/users/{learner}/roles",
                      data={"role": "province_admin"}).status_code == 422
    assert admin.post("/admin/required",
                      data=requirement_form(app, "", deadline=-5)).status_code == 422
    certificate = factories.issue_certificate(learner)
    admin.post(f"/admin/certificates/{certificate.id}/revoke", data={"reason": ""})
    assert entries(app) == []


def test_requirement_and_certificate_revocation_are_logged(app, admin, make_user,
                                                          synced_library, factories):
    assert admin.post("/admin/required", data=requirement_form(app, "01")).status_code == 302
    learner = make_user(province="79", full_name="Chị Học Viên")
    certificate = factories.issue_certificate(learner)
    assert admin.post(f"/admin/certificates/{certificate.id}/revoke",
                      data={"reason": "Gian lận khi làm bài thi"}).status_code == 302
    logged = entries(app)
    assert [(action, actor, province) for action, actor, _, province in logged] == [
        (Action.REQUIREMENT_CREATED, "Bà Quản Trị", "01"),
        (Action.CERTIFICATE_REVOKED, "Bà Quản Trị", "79")]
    assert logged[1][2] == f"{certificate.number} – Chị Học Viên"


def test_assisted_sign_up_is_logged_as_the_team_member(app, client, make_user, login):
    login(client, make_user(audience="digital_team", confirmed_days_ago=1, full_name="Anh Tổ Viên"))
    assert client.post("/assist/register", data=citizen_form(app)).status_code == 302
    [(action, actor, target, province)] = entries(app)
    assert (action, actor, province) == (Action.ASSISTED_SIGNUP, "Anh Tổ Viên", "01")
    assert target.startswith("Bà Nguyễn Thị Tư (#")


def test_the_command_line_is_named_as_the_actor(app, runner, make_user):
    make_user(phone="+84912000001")
    result = runner.invoke(args=["users", "grant", "--role", "province-admin", "--province",
                                 "01", "0912000001"])
    assert result.exit_code == 0, result.output
    [(action, actor, _, province)] = entries(app)
    assert (action, province) == (Action.ROLE_GRANTED, "01")
    assert actor.startswith("Dòng lệnh (")


@pytest.fixture
def two_provinces(app, admin, make_user):
    for province in ("01", "79"):
        learner = make_user(province=province)
        admin.post(f"/admin/users/{learner}/roles",
                   data={"role": "province_admin", "province_code": province})
    return admin


def test_province_admins_read_only_their_provinces(app, two_provinces, make_user, login):
    hanoi = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    page = hanoi.get("/admin/audit").get_data(as_text=True)
    assert "Thành phố Hà Nội" in page
    assert "Thành phố Hồ Chí Minh" not in page
    rows = list(csv.reader(io.StringIO(
        hanoi.get("/admin/audit?export=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert {row[4] for row in rows[1:]} == {"Thành phố Hà Nội"}  # their own grant, and one more
    # Asking for another province's entries finds none rather than leaking them.
    other = hanoi.get("/admin/audit?province=79&export=csv").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(other)))) == 1
    both = two_provinces.get("/admin/audit").get_data(as_text=True)
    assert "Thành phố Hà Nội" in both
    assert "Thành phố Hồ Chí Minh" in both


def test_learners_and_visitors_cannot_read_the_log(app, client, make_user, login):
    assert client.get("/admin/audit").status_code == 302  # to the log-in page
    login(client, make_user())
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit?export=xlsx").status_code == 403


def test_exports_have_vietnamese_headers_in_both_formats(app, two_provinces):
    text = two_provinces.get("/admin/audit?export=csv").get_data(as_text=True)
    header, *rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    assert header == ["Thời điểm", "Thao tác", "Người thực hiện", "Đối tượng",
                      "Tỉnh, thành phố", "Chi tiết"]
    assert {row[1] for row in rows} == {"Cấp vai trò"}
    workbook = load_workbook(io.BytesIO(two_provinces.get("/admin/audit?export=xlsx").data))
    sheet_rows = list(workbook.active.values)
    assert list(sheet_rows[0]) == header
    assert len(sheet_rows) == len(rows) + 1


def test_filters_and_a_bad_date(app, two_provinces):
    none_today = two_provinces.get(f"/admin/audit?action=certificate_revoked"
                                   f"&from={today().isoformat()}&export=csv")
    assert len(none_today.get_data(as_text=True).strip().splitlines()) == 1
    grants = two_provinces.get(f"/admin/audit?action=role_granted&from={today().isoformat()}"
                               f"&to={today().isoformat()}&export=csv")
    assert len(grants.get_data(as_text=True).strip().splitlines()) == 3
    bad = two_provinces.get("/admin/audit?from=01/12/2026")
    assert bad.status_code == 400
    assert "Ngày không hợp lệ" in bad.get_data(as_text=True)


def test_no_route_changes_an_entry(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert rules
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)
