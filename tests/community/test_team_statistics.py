"""Assisted sign-ups in a province's statistics: per commune (page and exports, from the
rollups) and per team member (names for the province's admins only)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from onetouch.core.clock import today
from tests.fixtures.users import first_commune


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def helped_world(make_user) -> tuple[int, int]:
    """Two team members of Hà Nội: one signed up three people, the other one; and a
    member in Hồ Chí Minh City who helped one there."""
    first = make_user(audience="digital_team", confirmed_days_ago=1, full_name="Anh Tổ Một")
    second = make_user(audience="digital_team", confirmed_days_ago=1, full_name="Chị Tổ Hai")
    for _ in range(3):
        make_user(assisted_by=first)
    make_user(assisted_by=second)
    southern = make_user(province="79", audience="digital_team", confirmed_days_ago=1,
                         full_name="Ông Tổ Phương Nam")
    make_user(province="79", assisted_by=southern)
    return first, second


def test_the_province_page_counts_assisted_sign_ups_per_commune_and_member(
        app, make_user, login):
    helped_world(make_user)
    admin = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    page = admin.get("/stats/provinces/01").get_data(as_text=True)
    assert "Đăng ký có tổ công nghệ số giúp" in page
    assert "Anh Tổ Một" in page
    assert "Chị Tổ Hai" in page
    assert "Ông Tổ Phương Nam" not in page
    header, *communes, total = read_csv(admin.get("/stats/provinces/01/export.csv"))
    assert header[-1] == "Đăng ký có tổ công nghệ số giúp"
    assert int(total[-1]) == sum(int(row[-1]) for row in communes) == 4
    with app.app_context():
        commune = first_commune("01")
    assert [int(row[-1]) for row in communes if row[1] == commune] == [4]


def test_the_team_export_lists_members_with_a_total(app, make_user, login):
    helped_world(make_user)
    admin = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    header, *members, total = read_csv(admin.get("/stats/provinces/01/team.csv"))
    assert header == ["Thành viên tổ công nghệ số", "Xã, phường",
                      "Đăng ký có tổ công nghệ số giúp"]
    assert [(row[0], row[2]) for row in members] == [("Anh Tổ Một", "3"), ("Chị Tổ Hai", "1")]
    assert total[0] == "Tổng"
    assert total[2] == "4"
    sheet = load_workbook(io.BytesIO(admin.get("/stats/provinces/01/team.xlsx").data)).active
    assert sheet.max_row == 1 + 2 + 1


def test_no_names_on_public_pages_nor_for_another_province(app, client, make_user, login):
    helped_world(make_user)
    for path in ("/stats", "/stats/export.csv"):
        assert "Anh Tổ Một" not in client.get(path).get_data(as_text=True)
    southern_admin = login(app.test_client(), make_user(role="province_admin",
                                                        role_province="79"))
    assert southern_admin.get("/stats/provinces/01/team.csv").status_code == 403
    assert southern_admin.get("/stats/provinces/01").status_code == 403


def test_days_outside_the_filter_are_not_counted(app, make_user, login):
    first, _ = helped_world(make_user)
    make_user(assisted_by=first, joined_days_ago=40)
    admin = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    everything = read_csv(admin.get("/stats/provinces/01/team.csv"))
    assert everything[-1][2] == "5"
    since = (today() - timedelta(days=7)).isoformat()
    recent = read_csv(admin.get(f"/stats/provinces/01/team.csv?from={since}"))
    assert recent[-1][2] == "4"
