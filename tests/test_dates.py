"""One date style for people: 01/12/2026, and with the time 06:31, 01/12/2026, in Việt Nam
time, through the |date and |datetime filters; ISO stays in files and APIs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from sqlalchemy import select

from onetouch.certificates.models import Certificate
from onetouch.core.clock import date_text, datetime_text
from onetouch.extensions import db

# 23:31 on 30 November in UTC is 06:31 on 1 December in Việt Nam (UTC+7).
LATE_EVENING_UTC = datetime(2026, 11, 30, 23, 31, tzinfo=UTC)
DAY = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
MOMENT = re.compile(r"\b\d{2}:\d{2}, \d{2}/\d{2}/\d{4}\b")


@pytest.mark.parametrize(("value", "shown"), [
    (date(2026, 12, 1), "01/12/2026"),
    (date(2027, 1, 9), "09/01/2027"),
    (LATE_EVENING_UTC, "01/12/2026"),                    # the day in Việt Nam, not in UTC
    (datetime(2026, 11, 30, 23, 31), "01/12/2026"),      # a moment without a zone is UTC
    ("2026-12-01", "01/12/2026"),                        # ISO from a file or a query
    ("2026-11-30T23:31:00+00:00", "01/12/2026"),
    (None, ""),
])
def test_date_text(value, shown):
    assert date_text(value) == shown


@pytest.mark.parametrize(("value", "shown"), [
    (LATE_EVENING_UTC, "06:31, 01/12/2026"),
    (datetime(2026, 1, 5, 2, 4, tzinfo=UTC), "09:04, 05/01/2026"),
    ("2026-11-30T23:31:00Z", "06:31, 01/12/2026"),
    (None, ""),
])
def test_datetime_text(value, shown):
    assert datetime_text(value) == shown


def test_the_template_filters_and_the_old_helpers_agree(app):
    with app.test_request_context():
        shown = render_template_string(
            "{{ m|date }}|{{ m|datetime }}|{{ format_date(m) }}|{{ format_datetime(m, 'short') }}",
            m=LATE_EVENING_UTC)
    assert shown == "01/12/2026|06:31, 01/12/2026|01/12/2026|06:31, 01/12/2026"


def test_english_pages_keep_the_same_date_style(app):
    """Dates are not translated: the day-first style is the only one the site shows."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string("{{ m|datetime }}", m=LATE_EVENING_UTC) == \
            "06:31, 01/12/2026"


def test_a_learners_pages_show_one_style(app, client, make_user, login, factories,
                                          synced_library):
    user = make_user()
    certificate = factories.issue_certificate(user)
    login(client, user)
    with app.app_context():
        issued = db.session.scalar(select(Certificate.issued_at)
                                   .where(Certificate.id == certificate.id))
    for path in ("/my/learning", "/my/certificates"):
        page = client.get(path).get_data(as_text=True)
        assert date_text(issued) in page, path
        assert "thg" not in page, path
        assert not re.search(r"\d{4}-\d{2}-\d{2}", page), path
    sessions = client.get("/profile/sessions").get_data(as_text=True)
    assert MOMENT.search(sessions)
    assert "thg" not in sessions
    assert DAY.search(client.get("/profile").get_data(as_text=True))
