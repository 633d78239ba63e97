"""Statistics: rollups equal raw counts, check catches drift, access rules, fixed cost."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta
from itertools import product

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from onetouch.accounts.models import User
from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning.models import Enrolment
from onetouch.stats.events import local_day


def raw_events(app) -> list[tuple[dict, date, str, int | None, int]]:
    """Every counted event straight from the raw tables: (its commune's provinces, its local
    day, the figure it adds to, its course (None for a registration), its learner)."""
    happened = []
    with app.app_context():
        provinces = {c.code: {"2025": c.province_code, "legacy": c.legacy_province_code}
                     for c in db.session.scalars(select(Commune))}

        def add(commune_code: str, moment, figure: str, course, user) -> None:
            happened.append((provinces[commune_code], local_day(moment), figure, course, user))

        for user in db.session.scalars(select(User)):
            add(user.registered_commune_code, user.created_at, "learners", None, user.id)
        for enrolment in db.session.scalars(select(Enrolment)):
            place = (enrolment.commune_code, enrolment.course_id, enrolment.user_id)
            add(place[0], enrolment.enrolled_at, "enrolments", *place[1:])
            if enrolment.completed_at:
                add(place[0], enrolment.completed_at, "completions", *place[1:])
        for certificate in db.session.scalars(select(Certificate).where(
                Certificate.revoked_at.is_(None))):
            enrolment = db.session.get(Enrolment, certificate.enrolment_id)
            add(enrolment.commune_code, certificate.issued_at, "certificates",
                enrolment.course_id, enrolment.user_id)
    return happened


def raw_counts(app, scheme: str, start: date | None = None, end: date | None = None,
               happened: list | None = None, course: int | None = None) -> dict:
    """Figures per area counted in Python from the raw events (read afresh unless given).
    With a course, learners are the distinct learners enrolled in it."""
    counts: dict[str, Counter] = {}
    enrolled: dict[str, set] = {}
    for provinces, day, figure, course_id, user in raw_events(app) if happened is None \
            else happened:
        if (start and day < start) or (end and day > end):
            continue
        if course is not None and course_id != course:
            continue  # registrations belong to no course
        area = provinces[scheme]
        counts.setdefault(area, Counter())[figure] += 1
        if figure == "enrolments":
            enrolled.setdefault(area, set()).add(user)
    if course is not None:
        for area, users in enrolled.items():
            counts[area]["learners"] = len(users)
    return counts


def api_counts(client, **params) -> dict:
    response = client.get("/api/v1/stats/provinces", query_string=params)
    assert response.status_code == 200, response.get_json()
    return {row["code"]: Counter({k: row[k] for k in ("learners", "enrolments", "completions",
                                                      "certificates") if row[k]})
            for row in response.get_json()["provinces"] if any(
                row[k] for k in ("learners", "enrolments", "completions", "certificates"))}


@pytest.fixture
def events(make_user, factories, synced_library):
    """A scripted run of events across three provinces, one of them merged in 2025."""
    learners = [make_user(province="01"),
                make_user(province="79", audience="digital_team", confirmed_days_ago=1),
                make_user(province="48"), make_user(province="48", audience="commune_official")]
    for user in learners[:3]:
        factories.enrol(user)
    factories.complete_course(learners[0])
    make_user(province="79", full_name="Bà Tư", assisted_by=learners[1])
    return learners


@pytest.mark.parametrize("scheme", ["2025", "legacy"])
def test_api_figures_equal_raw_counts(app, client, events, scheme):
    assert api_counts(client, scheme=scheme) == raw_counts(app, scheme)
    with_course = raw_counts(app, scheme, course=1)
    assert api_counts(client, scheme=scheme, course=1) == with_course
    assert sum(with_course.values(), Counter())["learners"] == 3  # of 5 who signed up


def test_the_scripted_events_are_all_counted(app, client, events):
    national = sum(api_counts(client).values(), Counter())
    assert national == Counter(learners=5, enrolments=3, completions=1, certificates=1)
    legacy = api_counts(client, scheme="legacy")
    assert "48" in legacy  # Đà Nẵng's own communes, not Quảng Nam's
    with app.app_context():
        assert db.session.scalar(text(
            "SELECT sum(assisted_signups) FROM stats_area_totals")) == 1


def test_revocation_takes_the_certificate_off_the_figures(app, client, events, make_user,
                                                          factories):
    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id))
    factories.revoke_certificate(certificate_id, make_user(role="ministry_admin"))
    assert sum(api_counts(client).values(), Counter())["certificates"] == 0
    assert api_counts(client) == raw_counts(app, "2025")


def test_check_agrees_then_catches_a_corrupted_row(app, runner, events):
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    with app.app_context():
        db.session.execute(text("UPDATE stats_area_weeks SET enrolments = enrolments + 1 "
                                "WHERE course_id <> 0"))
        db.session.execute(text("UPDATE stats_daily_registrations SET registrations = 9"))
        db.session.commit()
    result = runner.invoke(args=["stats", "check"])
    assert result.exit_code == 1
    assert "stats_area_weeks: rollup only" in result.output
    assert "stats_daily_registrations: raw only" in result.output
    assert runner.invoke(args=["stats", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["stats", "check"]).exit_code == 0


@pytest.fixture
def seeded(app, runner, synced_library):
    result = runner.invoke(args=["demo", "seed", "--learners", "1500", "--seed", "7"])
    assert result.exit_code == 0, result.output
    return result.output


TODAY = date.today()
RANGES = [(None, None), (TODAY - timedelta(days=90), None), (None, TODAY - timedelta(days=200)),
          (TODAY - timedelta(days=45), TODAY - timedelta(days=3)),
          (TODAY - timedelta(days=10), TODAY - timedelta(days=10)),
          (TODAY - timedelta(days=365), TODAY - timedelta(days=300))]


def test_date_ranges_equal_raw_counts(app, client, seeded):
    # Every range on one seeded database: seeding costs far more than the reads it serves.
    happened = raw_events(app)
    with app.app_context():
        course = db.session.scalar(select(Enrolment.course_id))
    for scheme, (start, end), course_filter in product(("2025", "legacy"), RANGES,
                                                       (None, course)):
        params = {"scheme": scheme, "course": course_filter}
        if start:
            params["from"] = start.isoformat()
        if end:
            params["to"] = end.isoformat()
        assert api_counts(client, **params) == raw_counts(
            app, scheme, start, end, happened, course_filter), params


def _statements(queries, client, url: str) -> list[str]:
    with queries() as seen:
        assert client.get(url).status_code == 200
    return seen


@pytest.mark.parametrize("url", ["/api/v1/stats/provinces", "/stats", "/api/v1/stats/timeseries",
                                 "/api/v1/stats/provinces?from=2026-01-05"])
def test_dashboard_cost_does_not_grow_with_enrolments(queries, client, runner, synced_library,
                                                     url):
    runner.invoke(args=["demo", "seed", "--learners", "20"])
    few = _statements(queries, client, url)
    runner.invoke(args=["demo", "seed", "--learners", "800", "--seed", "2", "--force"])
    many = _statements(queries, client, url)
    assert len(many) == len(few)
    for statement in many:
        lowered = statement.lower()
        for raw in ("from users", "from enrolments", "from certificates", "join enrolments"):
            assert raw not in lowered, statement


def test_commune_api_and_page_follow_the_roles(app, make_user, login, events):
    url = "/api/v1/stats/provinces/01/communes"
    assert app.test_client().get(url).status_code == 401
    assert app.test_client().get("/stats/provinces/01").status_code == 302
    for role, province, expected in ((None, None, 403), ("province_admin", "79", 403),
                                     ("province_admin", "01", 200), ("ministry_admin", None, 200)):
        client = login(app.test_client(), make_user(role=role, role_province=province))
        assert client.get(url).status_code == expected
        assert client.get("/stats/provinces/01").status_code == expected
    admin = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    communes = admin.get(url).get_json()["communes"]
    assert sum(row["enrolments"] for row in communes) == 1
    assert admin.get("/api/v1/stats/provinces/99/communes").status_code == 404


@pytest.mark.parametrize(("query", "parameter"), [
    ("scheme=1990", "scheme"), ("course=abc", "course"), ("course=2147483648", "course"),
    ("course=%C2%B2", "course"),  # "²" passes str.isdigit() and fails int()
    ("course=%D9%A3", "course"),  # "٣", an Arabic-Indic three, which int() reads as 3
    ("course=+1", "course"), ("course=1_0", "course"), ("course=", "course"),
    ("audience=farmers", "audience"), ("from=2026-13-01", "from"), ("to=yesterday", "to"),
    ("from=0001-01-01", "from"), ("to=9999-12-31", "to"), ("from=20260101", "from"),
    ("from=2026-02-30", "from"), ("from=", "from"), ("to=", "to")])
def test_bad_parameters_give_400_naming_them(client, query, parameter):
    for path in ("/api/v1/stats/provinces", "/api/v1/stats/timeseries"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response.get_json()["error"]["parameter"] == parameter


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_exports_carry_the_view_and_its_filters(client, events):
    response = client.get("/stats/export.csv?scheme=legacy&audience=citizen")
    assert "onetouch-provinces-legacy-citizen.csv" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["Tỉnh, thành phố (trước 2025)", "Mã", "Người học đăng ký",
                       "Lượt ghi danh", "Lượt hoàn thành", "Chứng chỉ"]
    assert len(rows) == 1 + 63 + 1
    workbook = load_workbook(io.BytesIO(client.get("/stats/export.xlsx").data))
    assert workbook.active.max_row == 1 + 34 + 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_end_with_the_total_row(client, events, kind):
    response = client.get(f"/stats/export.{kind}?course=1")
    if kind == "csv":
        rows = read_csv(response)
    else:
        rows = [["" if value is None else value for value in row]
                for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(
                    values_only=True)]
    header, *areas, total = rows
    assert header[:3] == ["Tỉnh, thành phố", "Mã", "Người học ghi danh khóa này"]
    assert total[:2] == ["Tổng", ""]
    sums = [sum(int(row[column]) for row in areas) for column in range(2, 6)]
    assert [int(value) for value in total[2:]] == sums == [3, 3, 1, 1]
    assert "Thành phố Hà Nội" in [row[0] for row in areas]


def test_the_province_export_names_its_communes_and_totals_them(app, make_user, login,
                                                                events):
    admin = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    header, *communes, total = read_csv(admin.get("/stats/provinces/01/export.csv"))
    assert header[0] == "Xã, phường"
    assert total[0] == "Tổng"
    assert int(total[2]) == sum(int(row[2]) for row in communes) == 2  # with the admin
    assert len(communes) == 126  # every commune of Hà Nội, with or without learners


def test_public_page_has_charts_tables_and_both_maps(client, events):
    page = client.get("/stats").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 2
    assert page.count('<svg class="map"') == 1  # the 34 provinces (test_map.py)
    assert "Thành phố Đà Nẵng" in page
    legacy = client.get("/stats?scheme=legacy").get_data(as_text=True)
    assert legacy.count('<svg class="chart"') == 2
    assert "Quảng Nam" in legacy
    assert "<script" not in page[page.index("<body"):]  # charts drawn on the server
