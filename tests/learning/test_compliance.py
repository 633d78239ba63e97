"""The compliance dashboard of a required training: every commune listed, totals that equal a
count from the raw rows, declared officials apart, sorting, the two lists (paging, commune
filter), the exports, the province boundary and the ministry's chart."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.geo.models import Commune, Province
from onetouch.learning import compliance
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.text import place_key

OFFICIAL = "commune_official"


def _enrol(app, user_id: int, completed: bool, revoked: bool = False) -> None:
    with app.app_context():
        db.session.add(Enrolment(user_id=user_id, course_id=db.session.scalar(select(Course.id)),
                                 completed_at=utcnow() if completed else None,
                                 certificate_revoked_at=utcnow() if revoked else None))
        db.session.commit()


def _requirement(app, admin_id: int, deadline_days: int, province: str | None = None) -> int:
    with app.app_context():
        requirement = RequiredTraining(
            course_id=db.session.scalar(select(Course.id)), audience=AudienceGroup(OFFICIAL),
            province_code=province, starts_on=today() - timedelta(days=60),
            deadline=today() + timedelta(days=deadline_days), created_by_id=admin_id)
        db.session.add(requirement)
        db.session.commit()
        return requirement.id


@pytest.fixture
def world(app, make_user, login, synced_library):
    """Officials of Hà Nội's first three communes (by code) and of TP.HCM (one whose
    certificate was revoked), a declared one, a late joiner still in their grace period, a
    citizen; a national requirement whose deadline passed yesterday."""
    with app.app_context():
        a, b, c = db.session.scalars(select(Commune.code).where(Commune.province_code == "01")
                                     .order_by(Commune.code).limit(3)).all()
    confirmed = {"audience": OFFICIAL, "confirmed_days_ago": 60, "joined_days_ago": 90}
    people = {
        "done": make_user(commune=a, full_name="Đã Xong", **confirmed),
        "started": make_user(commune=a, full_name="Đang Học", **confirmed),
        "idle_a": make_user(commune=a, full_name="Chưa Học A", **confirmed),
        "idle_b": make_user(commune=b, full_name="Chưa Học B", **confirmed),
        "idle_c": make_user(commune=c, full_name="Bùi Chưa Học C", **confirmed),
        "late": make_user(commune=b, full_name="Mới Vào", audience=OFFICIAL,
                          confirmed_days_ago=5),
        "declared": make_user(commune=b, full_name="Tự Khai", audience=OFFICIAL),
        "saigon": make_user(province="79", full_name="Cán Bộ Sài Gòn", **confirmed),
        "revoked": make_user(province="79", full_name="Bị Thu Hồi", **confirmed),
        "citizen": make_user(commune=a, full_name="Người Dân", audience="citizen"),
    }
    _enrol(app, people["done"], completed=True)
    _enrol(app, people["started"], completed=False)
    _enrol(app, people["declared"], completed=True)
    _enrol(app, people["revoked"], completed=True, revoked=True)
    ministry_id = make_user(role="ministry_admin")
    ministry = login(app.test_client(), ministry_id)
    province = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    return {"ministry": ministry, "province": province, "people": people,
            "communes": (a, b, c), "requirement": _requirement(app, ministry_id, -1),
            "ministry_id": ministry_id}


def _report(app, world, province: str | None, sort: str = "name", descending: bool = False):
    with app.app_context():
        requirement = db.session.get(RequiredTraining, world["requirement"])
        return compliance.by_area(db.session, requirement, province, today(), sort, descending)


def _raw_counts(app, province: str | None) -> dict[str, list[int]]:
    """In scope, declared, enrolled, completed, overdue per area, counted in Python from every
    user and enrolment row (the rule as the issue states it, not the SQL of the app)."""
    with app.app_context():
        course_id = db.session.scalar(select(Course.id))
        enrolments = {e.user_id: e for e in db.session.scalars(
            select(Enrolment).where(Enrolment.course_id == course_id))}
        counts: dict[str, list[int]] = {}
        late_limit = utcnow() - timedelta(days=30)
        for user in db.session.scalars(select(User)):
            if user.audience != AudienceGroup.COMMUNE_OFFICIAL or not user.is_active:
                continue
            if province and user.province_code != province:
                continue
            row = counts.setdefault(user.commune_code if province else user.province_code,
                                    [0, 0, 0, 0, 0])
            if user.official_confirmed_at is None:
                row[1] += 1
                continue
            enrolment = enrolments.get(user.id)
            live = enrolment is not None and enrolment.left_at is None
            # A revoked certificate reopens the requirement for its learner.
            done = (live and enrolment.completed_at is not None
                    and enrolment.certificate_revoked_at is None)
            row[0] += 1
            row[2] += live
            row[3] += done
            row[4] += not done and user.official_confirmed_at < late_limit
        return counts


def test_every_commune_of_the_province_is_listed(app, world):
    with app.app_context():
        communes = db.session.scalar(select(func.count()).select_from(Commune)
                                     .where(Commune.province_code == "01"))
    report = _report(app, world, "01")
    assert len(report.rows) == communes > 100
    assert len({row.code for row in report.rows}) == communes
    page = world["province"].get(f"/admin/required/{world['requirement']}").get_data(
        as_text=True)
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    assert body.count("<tr>") == communes
    with app.app_context():
        empty = db.session.scalar(select(Commune.name).where(
            Commune.province_code == "01", Commune.code.not_in(world["communes"])))
    assert empty in body  # a commune with nobody registered is listed too


def test_totals_equal_a_direct_count_from_raw_rows(app, world):
    for province in ("01", None):
        raw = _raw_counts(app, province)
        report = _report(app, world, province)
        shown = {row.code: [row.in_scope, row.declared, row.enrolled, row.completed,
                            row.overdue] for row in report.rows}
        for code, figures in shown.items():
            assert figures == raw.get(code, [0, 0, 0, 0, 0]), code
        totals = [sum(column) for column in zip(*raw.values(), strict=True)]
        total = report.total
        assert [total.in_scope, total.declared, total.enrolled, total.completed,
                total.overdue] == totals
    assert len(_report(app, world, None).rows) == 34
    hcm = next(row for row in _report(app, world, None).rows if row.code == "79")
    assert (hcm.in_scope, hcm.enrolled, hcm.completed, hcm.overdue) == (2, 1, 0, 2)
    a = next(row for row in _report(app, world, "01").rows if row.code == world["communes"][0])
    assert (a.in_scope, a.enrolled, a.completed, a.overdue, a.percent) == (3, 2, 1, 2, 33.3)


def test_declared_officials_are_counted_apart(app, world):
    b = next(row for row in _report(app, world, "01").rows if row.code == world["communes"][1])
    # The declared official completed the course, yet counts neither in scope nor completed.
    assert (b.in_scope, b.declared, b.completed) == (2, 1, 0)
    assert b.percent == 0
    page = world["province"].get(f"/admin/required/{world['requirement']}").get_data(
        as_text=True)
    assert "Tự khai, chưa xác nhận" in page


@pytest.mark.parametrize("sort", compliance.SORTS)
def test_sorting_by_any_column(app, world, sort):
    for descending in (False, True):
        rows = _report(app, world, "01", sort, descending).rows
        values = [getattr(row, sort) for row in rows]
        known = [value for value in values if value is not None]
        # Names in Vietnamese order (by the name without the word for its kind), figures by value.
        key = place_key if sort == "name" else None
        assert known == sorted(known, key=key, reverse=descending)
        assert values[len(known):] == [None] * (len(values) - len(known))  # none last
    page = world["province"].get(
        f"/admin/required/{world['requirement']}?sort={sort}&dir=desc").get_data(as_text=True)
    assert page.count("aria-sort=") == 1
    header = re.search(r'<th scope="col" aria-sort="descending"><a href="([^"]+)"', page)
    assert header
    assert f"sort={sort}" in header.group(1)
    assert "dir=asc" in header.group(1)
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    names = re.findall(r'<tr>\s*<th scope="row">([^<]+)</th>', body)
    assert names == [row.name for row in _report(app, world, "01", sort, True).rows]


def test_a_wrong_sort_falls_back_to_names(app, world):
    response = world["province"].get(f"/admin/required/{world['requirement']}?sort=password")
    assert response.status_code == 200
    assert 'aria-sort="ascending"' in response.get_data(as_text=True)


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/admin/learners/\d+">([^<]+)</a>', page)


def _list(client, world, which: str, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"province": "01", **args}.items())
    response = client.get(f"/admin/required/{world['requirement']}/{which}?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_lists_hold_whom_they_say(app, world):
    overdue = _names(_list(world["province"], world, "overdue"))
    pending = _names(_list(world["province"], world, "pending"))
    assert sorted(overdue) == sorted(["Đang Học", "Chưa Học A", "Chưa Học B",
                                      "Bùi Chưa Học C"])
    assert sorted(pending) == sorted([*overdue, "Mới Vào"])  # the late joiner's grace
    assert "Đã Xong" not in pending
    assert "Tự Khai" not in pending


@pytest.mark.parametrize("which", compliance.LISTS)
def test_lists_are_paged_whole_and_sorted(app, world, monkeypatch, which):
    monkeypatch.setattr(compliance, "PAGE_SIZE", 2)
    everyone: list[str] = []
    number = 1
    while True:
        page = _list(world["province"], world, which, sort="name", page=number)
        everyone += _names(page)
        if "Trang sau" not in page:
            break
        number += 1
    expected = 4 if which == "overdue" else 5
    assert number == (2 if which == "overdue" else 3)
    assert len(everyone) == len(set(everyone)) == expected
    assert everyone == sorted(everyone)
    # Sorted by commune, a page is looked for in the communes it falls in (from their
    # figures); sorted by name, a page past the middle is counted from the end. Either way,
    # page after page, the whole list in the export's order, nobody twice, whatever the size
    # of a page (ending inside a commune or at its end).
    url = f"/admin/required/{world['requirement']}/{which}/export.csv?province=01"
    for sort in compliance.LIST_SORTS:
        exported = [row[0] for row in _csv(world["province"].get(f"{url}&sort={sort}"))[1:-1]]
        assert sorted(exported) == sorted(everyone)
        for size in (1, 2, 3):
            monkeypatch.setattr(compliance, "PAGE_SIZE", size)
            pages = [_names(_list(world["province"], world, which, sort=sort, page=number))
                     for number in range(1, 7)]
            assert sum(pages, []) == exported, (sort, size)
            assert all(len(page) == size for page in pages[:len(exported) // size])


@pytest.mark.parametrize("which", compliance.LISTS)
def test_lists_filter_by_commune(app, world, which):
    a, b, _c = world["communes"]
    in_a = _names(_list(world["province"], world, which, commune=a))
    assert sorted(in_a) == ["Chưa Học A", "Đang Học"]
    in_b = _names(_list(world["province"], world, which, commune=b))
    assert in_b == (["Chưa Học B"] if which == "overdue" else ["Chưa Học B", "Mới Vào"])
    with app.app_context():
        elsewhere = db.session.scalar(select(Commune.code).where(Commune.province_code == "79"))
    response = world["province"].get(
        f"/admin/required/{world['requirement']}/{which}?province=01&commune={elsewhere}")
    assert response.status_code == 400


def test_before_the_deadline_the_not_completed_are_listed(app, world):
    world["requirement"] = _requirement(app, world["ministry_id"], 10)
    assert _names(_list(world["province"], world, "overdue")) == []
    assert len(_names(_list(world["province"], world, "pending"))) == 5
    assert all(row.overdue == 0 for row in _report(app, world, "01").rows)


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_table_exports_as_csv_and_xlsx_with_a_total_row(app, world):
    report = _report(app, world, "01")
    url = f"/admin/required/{world['requirement']}/export"
    rows = _csv(world["province"].get(f"{url}.csv?province=01"))
    assert rows[0] == ["Xã, phường", "Mã", "Thuộc diện", "Tự khai, chưa xác nhận",
                       "Đã ghi danh", "Đã hoàn thành", "Quá hạn", "Tỷ lệ hoàn thành (%)"]
    assert len(rows) == len(report.rows) + 2
    assert rows[1:-1] == [[row.name, row.code, *(str(getattr(row, f)) for f in
                                                  compliance.FIGURES),
                           "" if row.percent is None else str(row.percent)]
                          for row in report.rows]
    total = report.total
    assert rows[-1] == ["Tổng", "", str(total.in_scope), str(total.declared),
                        str(total.enrolled), str(total.completed), str(total.overdue),
                        str(total.percent)]
    workbook = load_workbook(io.BytesIO(world["ministry"].get(f"{url}.xlsx?province=").data))
    sheet = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert sheet[0][0] == "Tỉnh, thành phố"
    assert len(sheet) == 34 + 2
    # TP.HCM adds two officials in scope, one enrolled whose certificate was revoked.
    assert sheet[-1][:7] == ["Tổng", None, total.in_scope + 2, total.declared,
                             total.enrolled + 1, total.completed, total.overdue + 2]


@pytest.mark.parametrize("which", compliance.LISTS)
def test_the_lists_export_whole(app, world, monkeypatch, which):
    monkeypatch.setattr(compliance, "PAGE_SIZE", 2)
    shown = _names(_list(world["province"], world, which, sort="name", page=1))
    rows = _csv(world["province"].get(
        f"/admin/required/{world['requirement']}/{which}/export.csv?province=01&sort=name"))
    assert rows[0] == ["Họ và tên", "Xã, phường", "Số điện thoại", "Thư điện tử",
                       "Ngày ghi danh"]
    names = [row[0] for row in rows[1:-1]]
    assert names[:2] == shown
    assert len(names) == (4 if which == "overdue" else 5)
    assert rows[-1][:2] == ["Tổng", f"{len(names)} người"]
    started = next(row for row in rows if row[0] == "Đang Học")
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", started[4])
    assert next(row for row in rows if row[0] == "Chưa Học A")[4] == "Chưa ghi danh"
    workbook = load_workbook(io.BytesIO(world["province"].get(
        f"/admin/required/{world['requirement']}/{which}/export.xlsx?province=01").data))
    assert workbook.active.max_row == len(names) + 2


def test_a_province_admin_is_kept_to_their_province(app, world):
    client, requirement = world["province"], world["requirement"]
    for path in (f"/admin/required/{requirement}?province=79",
                 f"/admin/required/{requirement}?province=",
                 f"/admin/required/{requirement}/export.csv?province=79",
                 f"/admin/required/{requirement}/export.xlsx?province=",
                 f"/admin/required/{requirement}/overdue?province=79",
                 f"/admin/required/{requirement}/pending/export.csv?province=79"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Cán Bộ Sài Gòn" not in response.get_data(as_text=True)
    saigon = _requirement(app, world["ministry_id"], -1, province="79")
    assert client.get(f"/admin/required/{saigon}").status_code == 403
    assert client.get(f"/admin/required/{saigon}/export.csv").status_code == 403
    # With no province asked for, their own.
    assert "Thành phố Hà Nội" in client.get(f"/admin/required/{requirement}").get_data(
        as_text=True)


def test_the_ministry_chart_has_one_bar_per_province_as_the_table(app, world):
    page = world["ministry"].get(f"/admin/required/{world['requirement']}?province=").get_data(
        as_text=True)
    chart = page[page.index('<svg class="chart"'):page.index("</svg>")]
    bars = re.findall(r"<rect [^>]*><title>([^<]+): ([^<]+)</title></rect>", chart)
    table = dict(re.findall(r'<tr>\s*<th scope="row"><a [^>]+>([^<]+)</a></th>'
                            r'(?:\s*<td>[^<]*</td>){5}<td>([^<]+)</td>', page))
    with app.app_context():
        provinces = set(db.session.scalars(select(Province.name)))
    assert len(bars) == len(table) == 34
    assert {name for name, _ in bars} == provinces
    assert all(table[name] == value for name, value in bars)
    shares = [float(value.rstrip(" %").replace(",", ".")) for _, value in bars
              if value != "—"]
    assert shares == sorted(shares, reverse=True)
    assert len(shares) == 2
    assert dict(bars)["Thành phố Hà Nội"] == "16,7 %"  # 1 of the 6 confirmed in Hà Nội
    assert dict(bars)["Thành phố Hồ Chí Minh"] == "0 %"
