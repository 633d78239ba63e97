"""Commune officials and community team members are declared until a province admin confirms
them: the queue, confirming and refusing (one audit entry each), what a move undoes, and who may
sign citizens up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from onetouch.accounts import officials, services
from onetouch.accounts.models import AudienceGroup, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.geo.services import communes_of
from onetouch.learning import compliance, required
from onetouch.learning.models import RequiredTraining
from tests.accounts.test_assisted import citizen_form

OFFICIAL = {"audience": "commune_official"}


def entries(app, action: Action, target: int | None = None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        if target is not None:
            query = query.where(AuditEntry.target_id == target)
        return db.session.scalar(query)


def user(app, user_id: int) -> User:
    with app.app_context():
        found = db.session.get(User, user_id)
        db.session.expunge(found)
        return found


@pytest.fixture
def hanoi_admin(app, make_user, login):
    return login(app.test_client(), make_user(province="79", role="province_admin",
                                              role_province="01"))


@pytest.fixture
def ministry(app, make_user, login):
    return login(app.test_client(), make_user(province="79", role="ministry_admin"))


def test_a_declared_official_waits_and_their_profile_says_so(app, make_user, login):
    client = login(app.test_client(), make_user(**OFFICIAL))
    assert "Chờ tỉnh xác nhận" in client.get("/profile").get_data(as_text=True)
    citizen = login(app.test_client(), make_user())
    assert "Chờ tỉnh xác nhận" not in citizen.get("/profile").get_data(as_text=True)


def test_compliance_counts_confirmed_officials_and_declared_ones_apart(app, make_user,
                                                                       synced_library):
    confirmed = make_user(confirmed_days_ago=5, **OFFICIAL)
    make_user(**OFFICIAL)
    make_user(audience="digital_team")  # another audience: neither
    admin = make_user(role="ministry_admin")
    with app.app_context():
        course = db.session.scalar(select(Course.id))
        requirement = RequiredTraining(course_id=course, audience=AudienceGroup.COMMUNE_OFFICIAL,
                                       province_code="01", starts_on=today(),
                                       deadline=today() + timedelta(days=30),
                                       created_by_id=admin)
        db.session.add(requirement)
        db.session.flush()
        rows = compliance.by_area(db.session, requirement, "01", today()).rows
        declared = db.session.scalar(select(func.count(User.id))
                                     .where(required.declared(requirement, "01")))
        in_scope = db.session.scalars(select(User.id).where(required.in_scope(requirement))).all()
        db.session.rollback()
    assert sum(row.in_scope for row in rows) == 1
    assert in_scope == [confirmed]
    assert declared == 1


def test_queue_shows_own_province_only_and_filters(app, make_user, hanoi_admin):
    with app.app_context():
        first, second = [c.code for c in communes_of(db.session, "01")[:2]]
    make_user(commune=first, full_name="Cán Bộ Một", **OFFICIAL)
    make_user(commune=second, full_name="Tổ Viên Hai", audience="digital_team")
    make_user(province="79", full_name="Cán Bộ Sài Gòn", **OFFICIAL)
    make_user(commune=first, full_name="Đã Xác Nhận", confirmed_days_ago=3, **OFFICIAL)
    page = hanoi_admin.get("/admin/officials").get_data(as_text=True)
    assert "Cán Bộ Một" in page
    assert "Tổ Viên Hai" in page
    assert "Cán Bộ Sài Gòn" not in page
    assert "Đã Xác Nhận" not in page
    by_commune = hanoi_admin.get(f"/admin/officials?province=01&commune={second}")
    assert "Cán Bộ Một" not in by_commune.get_data(as_text=True)
    assert "Tổ Viên Hai" in by_commune.get_data(as_text=True)
    by_audience = hanoi_admin.get("/admin/officials?audience=commune_official")
    assert "Tổ Viên Hai" not in by_audience.get_data(as_text=True)
    assert hanoi_admin.get("/admin/officials?province=79").status_code == 403


def test_ministry_sees_every_province_and_filters_by_one(app, make_user, ministry):
    make_user(full_name="Cán Bộ Hà Nội", **OFFICIAL)
    make_user(province="79", full_name="Cán Bộ Sài Gòn", **OFFICIAL)
    page = ministry.get("/admin/officials").get_data(as_text=True)
    assert "Cán Bộ Hà Nội" in page
    assert "Cán Bộ Sài Gòn" in page
    page = ministry.get("/admin/officials?province=79").get_data(as_text=True)
    assert "Cán Bộ Hà Nội" not in page
    assert "Cán Bộ Sài Gòn" in page


def test_confirming_writes_one_entry_and_a_second_try_none(app, make_user, hanoi_admin):
    official = make_user(**OFFICIAL)
    assert hanoi_admin.post(f"/admin/officials/{official}/confirm").status_code == 302
    assert user(app, official).official_confirmed_at is not None
    assert entries(app, Action.OFFICIAL_CONFIRMED, official) == 1
    again = hanoi_admin.post(f"/admin/officials/{official}/confirm", follow_redirects=True)
    assert "không còn chờ xác nhận" in again.get_data(as_text=True)
    assert entries(app, Action.OFFICIAL_CONFIRMED, official) == 1


def test_another_provinces_declaration_is_403_and_writes_nothing(app, make_user, hanoi_admin):
    official = make_user(province="79", **OFFICIAL)
    assert hanoi_admin.post(f"/admin/officials/{official}/confirm").status_code == 403
    assert hanoi_admin.post(f"/admin/officials/{official}/reject").status_code == 403
    found = user(app, official)
    assert (found.official_confirmed_at, found.audience.value) == (None, "commune_official")
    assert entries(app, Action.OFFICIAL_CONFIRMED) == entries(app, Action.OFFICIAL_REJECTED) == 0


def test_refusing_makes_a_citizen_who_is_told_on_the_profile(app, make_user, login,
                                                            hanoi_admin):
    official = make_user(**OFFICIAL)
    assert hanoi_admin.post(f"/admin/officials/{official}/reject").status_code == 302
    found = user(app, official)
    assert found.audience.value == "citizen"
    assert found.official_rejected_at is not None
    assert entries(app, Action.OFFICIAL_REJECTED, official) == 1
    with app.app_context():
        details = db.session.scalar(select(AuditEntry.details)
                                    .where(AuditEntry.target_id == official))
    assert details.startswith("Cán bộ, lãnh đạo cấp xã")  # what was declared, not "citizen"
    profile = login(app.test_client(), official).get("/profile").get_data(as_text=True)
    assert "tỉnh đã không xác nhận bạn" in profile
    assert hanoi_admin.post(f"/admin/officials/{official}/reject").status_code == 302
    assert entries(app, Action.OFFICIAL_REJECTED, official) == 1  # nothing left to refuse


def test_confirming_many_by_checkbox(app, make_user, hanoi_admin, ministry):
    chosen = [make_user(**OFFICIAL) for _ in range(3)]
    left = make_user(**OFFICIAL)
    response = hanoi_admin.post("/admin/officials/confirm", data={"user_id": chosen})
    assert response.status_code == 302
    assert all(user(app, one).official_confirmed_at for one in chosen)
    assert user(app, left).official_confirmed_at is None
    assert entries(app, Action.OFFICIAL_CONFIRMED) == 3


def test_confirming_many_with_another_provinces_user_confirms_none(app, make_user,
                                                                   hanoi_admin):
    mine = make_user(**OFFICIAL)
    theirs = make_user(province="79", **OFFICIAL)
    response = hanoi_admin.post("/admin/officials/confirm", data={"user_id": [mine, theirs]})
    assert response.status_code == 403
    assert user(app, mine).official_confirmed_at is None
    assert entries(app, Action.OFFICIAL_CONFIRMED) == 0


def test_a_confirmed_official_who_moves_is_declared_again(app, make_user):
    official = make_user(confirmed_days_ago=10, **OFFICIAL)
    with app.app_context():
        found = db.session.get(User, official)
        same = dict(full_name=found.full_name, phone=found.phone, email=None,
                    province_code="01", commune_code=found.commune_code,
                    audience=found.audience, position=found.position)
        services.update_profile(db.session, found, **same)
        assert found.official_confirmed_at is not None  # nothing that matters changed
        other = next(c.code for c in communes_of(db.session, "01")
                     if c.code != found.commune_code)
        services.update_profile(db.session, found, **{**same, "commune_code": other})
        assert found.official_confirmed_at is None
        assert found.official_confirmed_by_id is None
        db.session.rollback()


def test_only_confirmed_team_members_sign_citizens_up(app, make_user, login):
    declared = login(app.test_client(), make_user(audience="digital_team"))
    page = declared.get("/assist/register")
    assert page.status_code == 403
    assert "Chờ tỉnh xác nhận" in page.get_data(as_text=True)
    assert declared.post("/assist/register", data=citizen_form(app)).status_code == 403
    confirmed = login(app.test_client(), make_user(audience="digital_team",
                                                   confirmed_days_ago=1))
    assert confirmed.get("/assist/register").status_code == 200
    assert confirmed.post("/assist/register", data=citizen_form(app)).status_code == 302


def test_the_service_refuses_a_helper_nobody_confirmed(app, make_user):
    with pytest.raises(services.AccountError, match="đã được tỉnh xác nhận"):
        make_user(assisted_by=make_user(audience="digital_team"))


def test_the_queue_pages(app, make_user, hanoi_admin, monkeypatch):
    monkeypatch.setattr(officials, "PAGE_SIZE", 2)
    names = [f"Cán Bộ Số {n}" for n in range(3)]
    for name in names:
        make_user(full_name=name, **OFFICIAL)
    first = hanoi_admin.get("/admin/officials").get_data(as_text=True)
    second = hanoi_admin.get("/admin/officials?page=2").get_data(as_text=True)
    assert [name in first for name in names] == [True, True, False]
    assert [name in second for name in names] == [False, False, True]
    assert "3 người chờ xác nhận" in first


def test_two_admins_confirming_from_stale_pages_write_one_entry(app, make_user):
    """Both loaded the declaration before either confirmed: the second finds it gone."""
    from sqlalchemy.orm import Session

    official = make_user(**OFFICIAL)
    first_admin = make_user(role="province_admin", role_province="01")
    second_admin = make_user(role="ministry_admin")
    with app.app_context(), Session(db.engine) as one, Session(db.engine) as other:
        seen_by_one, seen_by_other = one.get(User, official), other.get(User, official)
        assert seen_by_other.official_confirmed_at is None
        other.rollback()  # a new snapshot: SQLite lets no old one write after a commit
        seen_by_other = other.get(User, official)
        officials.confirm(one, one.get(User, first_admin), seen_by_one)
        one.commit()
        with pytest.raises(services.AccountError):
            officials.confirm(other, other.get(User, second_admin), seen_by_other)
        other.rollback()
    assert entries(app, Action.OFFICIAL_CONFIRMED, official) == 1


def test_a_bulk_confirmation_takes_ids_within_reason(app, make_user, hanoi_admin):
    official = make_user(**OFFICIAL)
    assert hanoi_admin.post("/admin/officials/confirm",
                            data={"user_id": ["1x"]}).status_code == 400
    too_many = [str(official)] * (officials.BULK_LIMIT + 1)
    assert hanoi_admin.post("/admin/officials/confirm",
                            data={"user_id": too_many}).status_code == 400
    assert hanoi_admin.post("/admin/officials/confirm", data={}).status_code == 302
    assert entries(app, Action.OFFICIAL_CONFIRMED) == 0
