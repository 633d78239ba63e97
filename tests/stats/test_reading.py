"""What a person reads first on /stats: the figures, then the filters said in words (the form
folded away until asked for, or until a choice was refused), then the map; and days written
day first, 01/12/2026, weeks on the chart's axis 30/11."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.stats import charts
from onetouch.stats.dates import day_text, week_label


def current_view(page: str) -> str:
    found = re.search(r'<div class="current-view">\s*<p><strong>Đang xem:</strong> (.*?)</p>',
                      page, re.S)
    assert found, page[:3000]
    return found.group(1)


def filters_tag(page: str) -> str:
    return re.search(r'<details class="filters"[^>]*>', page).group(0)


def test_the_figures_come_first_then_the_filters_then_the_map(client, make_user):
    make_user(province="01")
    page = client.get("/stats").get_data(as_text=True)
    order = [page.index(mark) for mark in ('<ul class="totals">', '<div class="current-view">',
                                           '<svg class="map"', 'class="data numbers figures"')]
    assert order == sorted(order)
    assert current_view(page) == ("34 tỉnh, thành phố (từ 1/7/2025) · mọi khóa học · "
                                  "mọi đối tượng · mọi ngày")
    assert " open" not in filters_tag(page)  # folded: the figures stay on the first screen


def test_every_filter_is_said_in_words(app, client, synced):
    with app.app_context():
        course = db.session.scalar(select(Course))
    page = client.get("/stats", query_string={
        "scheme": "legacy", "course": course.id, "audience": "commune_official",
        "from": "2026-11-30", "to": "2026-12-31"}).get_data(as_text=True)
    assert current_view(page) == (
        f"63 tỉnh, thành phố (trước 1/7/2025) · khóa học “{course.title}” · "
        "Cán bộ, lãnh đạo cấp xã · từ 30/11/2026 đến 31/12/2026")
    since = client.get("/stats?from=2026-11-30").get_data(as_text=True)
    assert current_view(since).endswith("từ 30/11/2026 đến nay")
    until = client.get("/stats?to=2026-12-31").get_data(as_text=True)
    assert current_view(until).endswith("đến hết 31/12/2026")


def test_a_refused_choice_opens_the_filters_to_correct_it(client):
    page = client.get("/stats?from=2026-12-31&to=2026-11-30").get_data(as_text=True)
    assert 'role="alert"' in page
    assert filters_tag(page) == '<details class="filters" open>'


def test_the_province_page_says_its_filters_without_the_map_of_provinces(app, make_user,
                                                                        login):
    admin = login(app.test_client(), make_user(province="01", role="province_admin",
                                               role_province="01"))
    page = admin.get("/stats/provinces/01?audience=citizen").get_data(as_text=True)
    assert current_view(page) == "mọi khóa học · Người dân · mọi ngày"
    assert '<svg class="map"' not in page


def test_weeks_are_written_day_first(client, make_user):
    make_user(province="48")
    monday = today() - timedelta(days=today().weekday())
    page = client.get("/stats").get_data(as_text=True)
    weeks = re.search(r"<summary>Số liệu theo tuần</summary>(.*?)</details>", page, re.S)
    assert f'<th scope="row">{monday:%d/%m/%Y}</th>' in weeks.group(1)
    chart = page[page.index('aria-label="Đăng ký và hoàn thành theo tuần"'):]
    chart = chart[:chart.index("</svg>")]
    assert f">{monday:%d/%m}</text>" in chart
    assert not re.search(r">\d\d-\d\d<", chart)


def test_days_and_weeks_read_as_vietnamese_write_them():
    assert day_text(date(2026, 12, 1)) == "01/12/2026"
    assert day_text("2026-11-30") == "30/11/2026"
    assert week_label("2026-11-30") == "30/11"
    assert week_label(date(2027, 1, 4)) == "04/01"


def test_the_weekly_chart_names_at_most_five_weeks_day_first():
    mondays = [date(2026, 9, 7) + timedelta(weeks=n) for n in range(13)]
    points = [{"week": monday.isoformat(), "registrations": n, "completions": n // 2}
              for n, monday in enumerate(mondays)]
    svg = str(charts.weekly(points, "Tuần"))
    labels = re.findall(r">(\d\d/\d\d)</text>", svg)
    assert labels == ["07/09", "28/09", "19/10", "09/11", "30/11"]  # every third week
    assert "-" not in "".join(labels)


def test_a_long_name_is_cut_to_fit_the_chart_the_table_has_it_whole():
    svg = str(charts.bars([("Xã Hoàng Văn Thụ Mới Rất Dài", 3)], "Xã"))
    assert ">Xã Hoàng Văn Thụ…</text>" in svg
    assert charts.short("Thành phố Hồ Chí Minh") == "TP. Hồ Chí Minh"
    assert charts.short("Phường Khương Đình") == "P. Khương Đình"
    assert charts.short("Đặc khu Trường Sa") == "Đặc khu Trường Sa"
