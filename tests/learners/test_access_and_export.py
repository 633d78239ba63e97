"""Province boundaries on the list, the export and a learner's page; the export's contents;
what a learner's page shows; the search of /admin/users."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from onetouch.accounts import roles
from onetouch.accounts.models import Role, User
from onetouch.extensions import db
from tests.learners.conftest import listed

HEADER = ["Họ và tên", "Điện thoại", "Thư điện tử", "Xã, phường", "Tỉnh, thành phố",
          "Nhóm đối tượng", "Ngày tham gia", "Lần đăng nhập gần nhất", "Khóa học đã ghi danh",
          "Khóa học đã hoàn thành"]


def test_a_province_admin_sees_only_their_province(as_admin, world):
    shown = listed(as_admin.get("/admin/learners"))
    assert world["hcm"] not in shown
    assert world["ministry"] not in shown
    assert world["hoa"] in shown
    page = as_admin.get("/admin/learners").get_data(as_text=True)
    assert "Thành phố Hồ Chí Minh" not in page  # not even offered as a filter


def test_another_province_is_refused_everywhere(as_admin, world):
    assert as_admin.get("/admin/learners?province=79").status_code == 403
    assert as_admin.get("/admin/learners/export.csv?province=79").status_code == 403
    assert as_admin.get("/admin/learners/export.xlsx?province=79").status_code == 403
    assert as_admin.get(f"/admin/learners/{world['hcm']}").status_code == 403
    assert as_admin.get("/admin/learners?commune=26734").status_code in (400, 403)


def test_another_provinces_commune_is_refused(app, as_admin, world):
    from tests.fixtures.users import first_commune

    with app.app_context():
        commune = first_commune("79")
    assert as_admin.get(f"/admin/learners?commune={commune}").status_code == 403
    assert as_admin.get(f"/admin/learners/export.csv?commune={commune}").status_code == 403


def test_the_ministry_chooses_any_province(as_ministry, world):
    assert listed(as_ministry.get("/admin/learners?province=79&q=hoa")) == [world["hcm"]]
    assert as_ministry.get(f"/admin/learners/{world['hoa']}").status_code == 200


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_export_lists_the_filtered_learners_with_names_and_a_total(as_admin, world):
    rows = _csv(as_admin.get("/admin/learners/export.csv?status=overdue"))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:-1]] == ["Lê Minh Châu", "Nguyễn Thị Hoà"]
    chau, hoa = rows[1], rows[2]
    assert chau[1:3] == ["", "le.chau@example.vn"]
    assert hoa[1] == "0912 345 678"
    assert hoa[4] == "Thành phố Hà Nội"
    assert hoa[5] == "Người dân"
    assert hoa[3]
    assert not hoa[3].isdigit()
    assert hoa[8:] == ["1", "0"]
    assert rows[-1][0] == "Tổng: 2 người học"
    assert rows[-1][8:] == ["1", "0"]


def test_the_xlsx_export_holds_the_same_rows(as_admin, world):
    response = as_admin.get("/admin/learners/export.xlsx?q=hung")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert values[1][0] == "Trần Văn Hùng"
    assert values[1][8:] == (1, 1)
    assert values[-1][0] == "Tổng: 1 người học"
    assert len(values) == 3


def test_a_learners_page_shows_contact_courses_certificates_helper_and_audit(
        app, make_user, factories, as_admin, world):
    team = make_user(full_name="Đỗ Thành Viên Tổ", audience="digital_team", confirmed_days_ago=1)
    helped = make_user(full_name="Bùi Thị Được Giúp", assisted_by=team)
    certificate = factories.issue_certificate(helped)
    factories.revoke_certificate(certificate.id, world["ministry"], reason="Thi hộ")
    with app.app_context():
        roles.grant(db.session, db.session.get(User, helped), Role.PROVINCE_ADMIN, "01",
                    granted_by=db.session.get(User, world["ministry"]))
        db.session.commit()
    page = as_admin.get(f"/admin/learners/{helped}").get_data(as_text=True)
    assert "Bùi Thị Được Giúp" in page
    assert "Đỗ Thành Viên Tổ" in page
    assert f'href="/admin/learners/{team}"' in page
    assert certificate.number in page
    assert "Đã thu hồi lúc" in page
    assert "Thi hộ" in page
    assert "Cấp vai trò" in page
    assert "Đăng ký giúp người dân" in page
    assert "Thành phố Hà Nội" in page
    assert "(100%)" in page


def test_admin_users_search_never_matches_by_a_missing_phone(app, login, make_user, world):
    make_user(full_name="Hồ Văn Khác", phone=None, email="khac@example.vn")
    client = login(app.test_client(), world["ministry"])
    body = client.get("/admin/users?q=le.chau@example.vn").get_data(as_text=True)
    assert "Lê Minh Châu" in body
    assert "Hồ Văn Khác" not in body
    body = client.get("/admin/users?q=nguyen thi").get_data(as_text=True)
    assert "Nguyễn Thị Hoà" in body
    assert "Lê Minh Châu" not in body
    assert "Hồ Văn Khác" not in body
    body = client.get("/admin/users?q=0912345678").get_data(as_text=True)
    assert "Nguyễn Thị Hoà" in body
    assert "Lê Minh Châu" not in body


def test_an_export_too_long_is_refused_with_a_word_on_the_list(as_admin, world, monkeypatch):
    from onetouch.learners import services

    monkeypatch.setattr(services, "EXPORT_LIMIT", 1)
    response = as_admin.get("/admin/learners/export.csv?status=overdue")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/learners?status=overdue"
    assert "Danh sách quá dài để tải về" in as_admin.get(
        response.headers["Location"]).get_data(as_text=True)
    assert as_admin.get("/admin/learners/export.csv?q=hung").status_code == 200
    assert as_admin.get("/admin/learners/export.pdf").status_code == 404
