"""The compliance dashboard's figures are counted at most once per COMPLIANCE_CACHE_SECONDS in a
process (``learning/compliance_cache.py``): the page says when; an edit of the requirement or
the time running out counts afresh; the exports always count afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from onetouch.accounts.models import AudienceGroup
from onetouch.content.models import Course
from onetouch.core import clock
from onetouch.core.clock import today
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning import compliance_cache
from onetouch.learning.models import Enrolment, RequiredTraining

OFFICIAL = "commune_official"


@pytest.fixture
def cached(app, make_user, login, synced_library):
    """A minute's cache; two confirmed officials of Hà Nội, none completed; a national
    requirement past its deadline; a ministry admin's client."""
    app.config["COMPLIANCE_CACHE_SECONDS"] = 60
    compliance_cache.clear()
    officials = [make_user(province="01", audience=OFFICIAL, confirmed_days_ago=60,
                           joined_days_ago=90) for _ in range(2)]
    ministry_id = make_user(role="ministry_admin")
    with app.app_context():
        requirement = RequiredTraining(
            course_id=db.session.scalar(select(Course.id)), audience=AudienceGroup(OFFICIAL),
            starts_on=today() - timedelta(days=60), deadline=today() - timedelta(days=1),
            created_by_id=ministry_id)
        db.session.add(requirement)
        db.session.commit()
        requirement_id = requirement.id
    yield {"officials": officials, "requirement": requirement_id,
           "ministry": login(app.test_client(), ministry_id)}
    compliance_cache.clear()


def _complete(app, user_id: int) -> None:
    with app.app_context():
        db.session.add(Enrolment(user_id=user_id, course_id=db.session.scalar(select(Course.id)),
                                 completed_at=utcnow()))
        db.session.commit()


def _completed(app, requirement_id: int) -> int:
    with app.app_context():
        requirement = db.session.get(RequiredTraining, requirement_id)
        return compliance_cache.by_area(db.session, requirement, None, today()).report.total \
            .completed


def test_figures_are_kept_until_the_time_runs_out(app, cached, monkeypatch):
    assert _completed(app, cached["requirement"]) == 0
    _complete(app, cached["officials"][0])
    assert _completed(app, cached["requirement"]) == 0  # the copy counted a moment ago
    later = clock.now() + timedelta(seconds=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _completed(app, cached["requirement"]) == 1


def test_an_edited_requirement_is_counted_afresh(app, cached):
    assert _completed(app, cached["requirement"]) == 0
    _complete(app, cached["officials"][0])
    with app.app_context():
        requirement = db.session.get(RequiredTraining, cached["requirement"])
        requirement.grace_days, requirement.updated_at = 10, utcnow()
        db.session.commit()
    assert _completed(app, cached["requirement"]) == 1


def test_the_page_says_when_it_counted_and_the_export_counts_afresh(app, cached):
    url = f"/admin/required/{cached['requirement']}?province="
    page = cached["ministry"].get(url).get_data(as_text=True)
    with app.app_context():
        requirement = db.session.get(RequiredTraining, cached["requirement"])
        counted = compliance_cache.by_area(db.session, requirement, None, today())
    assert f"Số liệu tính lúc {clock.datetime_text(counted.at)}" in page
    _complete(app, cached["officials"][1])
    assert _completed(app, cached["requirement"]) == 0  # the page's copy
    csv = cached["ministry"].get(f"/admin/required/{cached['requirement']}/export.csv"
                                 "?province=").get_data(as_text=True)
    total = csv.strip().splitlines()[-1].split(",")
    assert total[0] == "Tổng"
    assert total[5] == "1"


def test_zero_seconds_counts_every_time(app, cached):
    app.config["COMPLIANCE_CACHE_SECONDS"] = 0
    assert _completed(app, cached["requirement"]) == 0
    _complete(app, cached["officials"][0])
    assert _completed(app, cached["requirement"]) == 1
