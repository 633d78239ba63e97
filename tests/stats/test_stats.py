"""Statistics: rollups equal raw counts, check catches drift, access rules, fixed cost."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from onetouch.accounts.models import User
from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning.models import Enrolment
from onetouch.stats.events import local_day


def raw_events(app) -> list[tuple[dict, date, str]]:
    """Every counted event straight from the raw tables: (its commune's provinces, its local
    day, the figure it adds to)."""
    happened = []
    with app.app_context():
        provinces = {c.code: {"2025": c.province_code, "legacy": c.legacy_province_code}
                     for c in db.session.scalars(select(Commune))}

        def add(commune_code: str, moment, figure: str) -> None:
            happened.append((provinces[commune_code], local_day(moment), figure))

        for user in db.session.scalars(select(User)):
            add(user.registered_commune_code, user.created_at, "learners")
        for enrolment in db.session.scalars(select(Enrolment)):
            add(enrolment.commune_code, enrolment.enrolled_at, "enrolments")
            if enrolment.completed_at:
                add(enrolment.commune_code, enrolment.completed_at, "completions")
        for certificate in db.session.scalars(select(Certificate).where(
                Certificate.revoked_at.is_(None))):
            enrolment = db.session.get(Enrolment, certificate.enrolment_id)
            add(enrolment.commune_code, certificate.issued_at, "certificates")
    return happened


def raw_counts(app, scheme: str, start: date | None = None, end: date | None = None,
               happened: list | None = None) -> dict:
    """Figures per area counted in Python from the raw events (read afresh unless given)."""
    counts: dict[str, Counter] = {}
    for provinces, day, figure in raw_events(app) if happened is None else happened:
        if (start and day < start) or (end and day > end):
            continue
        counts.setdefault(provinces[scheme], Counter())[figure] += 1
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
    learners = [make_user(province="01"), make_user(province="79", audience="digital_team"),
                make_user(province="48"), make_user(province="48", audience="commune_official")]
    for user in learners[:3]:
        factories.enrol(user)
    factories.complete_course(learners[0])
    make_user(province="79", full_name="Bà Tư", assisted_by=learners[1])
    return learners


@pytest.mark.parametrize("scheme", ["2025", "legacy"])
def test_api_figures_equal_raw_counts(app, client, events, scheme):
    expected = raw_counts(app, scheme)
    assert api_counts(client, scheme=scheme) == expected
    assert api_counts(client, scheme=scheme, course=1) == expected


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
    for scheme in ("2025", "legacy"):
        for start, end in RANGES:
            params = {"scheme": scheme}
            if start:
                params["from"] = start.isoformat()
            if end:
                params["to"] = end.isoformat()
            assert api_counts(client, **params) == raw_counts(app, scheme, start, end,
                                                             happened), params


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
    ("scheme=1990", "scheme"), ("course=abc", "course"), ("course=999", "course"),
    ("course=%C2%B2", "course"),  # "²" passes str.isdigit() and fails int()
    ("audience=farmers", "audience"), ("from=2026-13-01", "from"), ("to=yesterday", "to"),
    ("from=2026-02-01&to=2026-01-01", "from")])
def test_bad_parameters_give_400_naming_them(client, query, parameter):
    for path in ("/api/v1/stats/provinces", "/api/v1/stats/timeseries"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response.get_json()["error"]["parameter"] == parameter


def test_exports_carry_the_view_and_its_filters(client, events):
    response = client.get("/stats/export.csv?scheme=legacy&audience=citizen")
    assert "onetouch-provinces-legacy-citizen.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["code", "name", "learners", "enrolments", "completions", "certificates"]
    assert len(rows) == 1 + 63
    workbook = load_workbook(io.BytesIO(client.get("/stats/export.xlsx").data))
    assert workbook.active.max_row == 1 + 34


def test_public_page_has_charts_tables_and_both_maps(client, events):
    page = client.get("/stats").get_data(as_text=True)
    assert page.count("<svg") == 2
    assert "Thành phố Đà Nẵng" in page
    legacy = client.get("/stats?scheme=legacy").get_data(as_text=True)
    assert "Quảng Nam" in legacy
    assert "<script" not in page[page.index("<body"):]  # charts drawn on the server
