"""A requirement's life: a past deadline only when confirmed, editing, cancelling (kept, shown
as cancelled, gone for learners and from overdue), the grace period of late joiners; one audit
entry for each step, none for a refused one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from onetouch.accounts.models import User
from onetouch.audit.models import Action, AuditEntry
from onetouch.core.clock import today
from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning import compliance, required
from onetouch.learning.models import Enrolment, RequiredTraining
from tests.learning.test_required import assign


def entries(app, action: Action) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        for entry in found:
            db.session.expunge(entry)
        return list(found)


def requirements(app) -> list[RequiredTraining]:
    with app.app_context():
        found = db.session.scalars(select(RequiredTraining).order_by(RequiredTraining.id)).all()
        for requirement in found:
            db.session.expunge(requirement)
        return list(found)


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


@pytest.fixture
def ministry(app, make_user, login, synced_library):
    return login(app.test_client(), make_user(province="79", role="ministry_admin"))


@pytest.fixture
def hanoi_admin(app, make_user, login, synced_library):
    return login(app.test_client(), make_user(province="79", role="province_admin",
                                              role_province="01"))


def test_a_past_deadline_is_refused_unless_confirmed(app, ministry):
    refused = assign(ministry, app, deadline=-1)
    assert refused.status_code == 422
    assert "Hạn hoàn thành đã qua" in refused.get_data(as_text=True)
    assert requirements(app) == []
    assert entries(app, Action.REQUIREMENT_CREATED) == []
    assert assign(ministry, app, deadline=-1, confirm_past="y").status_code == 302
    assert len(requirements(app)) == 1
    assert len(entries(app, Action.REQUIREMENT_CREATED)) == 1


def test_title_and_grace_are_kept_and_the_scope_shown_by_name(app, ministry):
    assert assign(ministry, app, province="01", title="Đợt 1 năm 2026",
                  grace_days="12").status_code == 302
    assert assign(ministry, app, grace_days="").status_code == 302  # empty: the default
    assert assign(ministry, app, grace_days="366").status_code == 422
    first, second = requirements(app)
    assert (first.title, first.grace_days, second.title, second.grace_days) == (
        "Đợt 1 năm 2026", 12, None, 30)
    page = ministry.get("/admin/required").get_data(as_text=True)
    assert "Đợt 1 năm 2026" in page
    assert "Thành phố Hà Nội" in page
    assert "Toàn quốc" in page
    (created,) = [e for e in entries(app, Action.REQUIREMENT_CREATED) if e.target_id == first.id]
    assert "Thành phố Hà Nội" in created.details
    assert "gia hạn 12 ngày" in created.details


def _edit(client, requirement: RequiredTraining, **changes):
    data = {"title": requirement.title or "", "audience": requirement.audience.value,
            "province_code": requirement.province_code or "",
            "deadline": requirement.deadline.isoformat(),
            "grace_days": str(requirement.grace_days), **changes}
    return client.post(f"/admin/required/{requirement.id}/edit", data=data)


def test_editing_writes_one_entry_that_says_what_changed(app, ministry):
    assign(ministry, app, deadline=10)
    (requirement,) = requirements(app)
    assert ministry.get(f"/admin/required/{requirement.id}/edit").status_code == 200
    response = _edit(ministry, requirement, title="Kỹ năng số cho cán bộ", deadline=day(20),
                     province_code="01", grace_days="7")
    assert response.status_code == 302
    (edited,) = requirements(app)
    assert (edited.title, edited.deadline, edited.province_code, edited.grace_days) == (
        "Kỹ năng số cho cán bộ", today() + timedelta(days=20), "01", 7)
    assert edited.updated_at is not None
    (entry,) = entries(app, Action.REQUIREMENT_EDITED)
    assert "Phạm vi: Toàn quốc → Thành phố Hà Nội" in entry.details
    assert "Số ngày gia hạn: 30 → 7" in entry.details
    assert "Hạn hoàn thành:" in entry.details
    assert entry.province_code == "01"
    assert _edit(ministry, edited).status_code == 302  # nothing changed: nothing written
    assert len(entries(app, Action.REQUIREMENT_EDITED)) == 1


def test_editing_to_a_past_deadline_needs_the_confirmation(app, ministry):
    assign(ministry, app, deadline=10)
    (requirement,) = requirements(app)
    assert _edit(ministry, requirement, deadline=day(-2)).status_code == 422
    assert requirements(app)[0].deadline == requirement.deadline
    assert entries(app, Action.REQUIREMENT_EDITED) == []
    assert _edit(ministry, requirement, deadline=day(-2), confirm_past="y").status_code == 302
    assert len(entries(app, Action.REQUIREMENT_EDITED)) == 1


def test_a_province_admin_edits_their_own_only(app, ministry, hanoi_admin):
    assign(ministry, app)  # national: the ministry's
    assign(hanoi_admin, app, province="01")
    national, own = requirements(app)
    assert hanoi_admin.get(f"/admin/required/{national.id}/edit").status_code == 403
    assert _edit(hanoi_admin, national, title="x").status_code == 403
    assert hanoi_admin.post(f"/admin/required/{national.id}/cancel",
                            data={"sure": "y"}).status_code == 403
    assert _edit(hanoi_admin, own, province_code="79").status_code == 422
    assert _edit(hanoi_admin, own, title="Của Hà Nội").status_code == 302
    assert [r.title for r in requirements(app)] == [None, "Của Hà Nội"]
    assert len(entries(app, Action.REQUIREMENT_EDITED)) == 1


def test_cancelling_keeps_the_requirement_and_ends_its_effects(app, make_user, login,
                                                               ministry):
    learner = make_user(province="01", joined_days_ago=90)
    assign(ministry, app, audience="citizen", province="01", deadline=-3, confirm_past="y")
    (requirement,) = requirements(app)
    with app.app_context():
        found = db.session.get(RequiredTraining, requirement.id)
        before = compliance.by_area(db.session, found, "01", today()).rows
    assert sum(row.overdue for row in before) == 1
    client = login(app.test_client(), learner)
    assert "Khóa học bắt buộc" in client.get("/my/learning").get_data(as_text=True)

    unsure = ministry.post(f"/admin/required/{requirement.id}/cancel")
    assert unsure.status_code == 422
    assert "Hãy đánh dấu ô xác nhận để hủy." in unsure.get_data(as_text=True)
    assert requirements(app)[0].cancelled_at is None
    assert ministry.post(f"/admin/required/{requirement.id}/cancel",
                         data={"sure": "y"}).status_code == 302

    (cancelled,) = requirements(app)
    assert cancelled.cancelled_at is not None
    assert len(entries(app, Action.REQUIREMENT_CANCELLED)) == 1
    listing = ministry.get("/admin/required").get_data(as_text=True)
    assert f"Đã hủy ngày {today():%d/%m/%Y}" in listing
    assert "Khóa học bắt buộc" not in client.get("/my/learning").get_data(as_text=True)
    with app.app_context():
        found = db.session.get(RequiredTraining, requirement.id)
        after = compliance.by_area(db.session, found, "01", today()).rows
        assert sum(row.overdue for row in after) == 0
        assert sum(row.in_scope for row in after) == 1  # still reported, as history
    again = ministry.post(f"/admin/required/{requirement.id}/cancel", data={"sure": "y"})
    assert again.status_code == 302
    assert _edit(ministry, cancelled, title="trễ").status_code == 302
    assert len(entries(app, Action.REQUIREMENT_CANCELLED)) == 1
    assert entries(app, Action.REQUIREMENT_EDITED) == []


def test_late_joiners_have_a_grace_period(app, make_user, ministry):
    assign(ministry, app, audience="citizen", province="01", start=-90, deadline=-5,
           confirm_past="y")  # 30 days of grace, the default
    recent = make_user(province="01", joined_days_ago=10, full_name="Mới Vào")
    early = make_user(province="01", joined_days_ago=60, full_name="Vào Lâu")
    (requirement,) = requirements(app)
    with app.app_context():
        found = db.session.get(RequiredTraining, requirement.id)
        overdue = db.session.scalars(
            select(User.id).outerjoin(Enrolment, required.enrolment_join(found))
            .where(required.in_scope(found), required.overdue(found, today()))).all()
    assert early in overdue
    assert recent not in overdue


def _overdue_by_rule(requirement_id: int, province: str | None) -> dict[str, int]:
    """Overdue per area, counted by the lists' rule (``required.overdue``) on every learner."""
    found = db.session.get(RequiredTraining, requirement_id)
    key = User.commune_code if province else User.province_code
    return dict(db.session.execute(
        select(key, func.count()).outerjoin(Enrolment, required.enrolment_join(found))
        .where(required.in_scope(found, province), required.overdue(found, today()))
        .group_by(key)).all())


def test_figures_of_a_requirement_on_citizens_keep_the_grace_of_late_joiners(
        app, make_user, ministry):
    """The dashboard counts those in their grace period apart from the lists (from the newest
    sign-ups and confirmations); its overdue figures must still be the lists' rule."""
    assign(ministry, app, audience="citizen", start=-90, deadline=-5, confirm_past="y")
    overdue = [make_user(province="01", joined_days_ago=60),
               make_user(province="79", joined_days_ago=200, confirmed_days_ago=60)]
    in_grace = [make_user(province="01", joined_days_ago=10),
                make_user(province="79", joined_days_ago=3),
                make_user(province="01", joined_days_ago=200, confirmed_days_ago=10)]
    done = [make_user(province="01", joined_days_ago=10), make_user(joined_days_ago=60)]
    make_user(province="01", audience="commune_official", joined_days_ago=60,
              confirmed_days_ago=60)  # another audience
    (requirement,) = requirements(app)
    with app.app_context():
        course = db.session.get(RequiredTraining, requirement.id).course_id
        db.session.add_all(Enrolment(user_id=user, course_id=course, completed_at=utcnow())
                           for user in done)
        db.session.commit()
        found = db.session.get(RequiredTraining, requirement.id)
        nation = compliance.by_area(db.session, found, None, today())
        hanoi = compliance.by_area(db.session, found, "01", today())
        by_rule = {area: _overdue_by_rule(requirement.id, area) for area in (None, "01")}
    assert nation.total.overdue == len(overdue)
    assert nation.total.in_scope == len(overdue) + len(in_grace) + len(done) + 1  # + ministry
    assert {row.code: row.overdue for row in nation.rows if row.overdue} == by_rule[None]
    assert {row.code: row.overdue for row in hanoi.rows if row.overdue} == by_rule["01"]
    assert hanoi.total.overdue == 1


def test_an_official_confirmed_late_has_the_grace_from_the_confirmation(app, make_user,
                                                                         ministry):
    assign(ministry, app, province="01", start=-90, deadline=-5, confirm_past="y")
    joined_long_ago = make_user(joined_days_ago=200, confirmed_days_ago=10,
                                audience="commune_official")
    confirmed_long_ago = make_user(joined_days_ago=200, confirmed_days_ago=60,
                                   audience="commune_official")
    (requirement,) = requirements(app)
    with app.app_context():
        found = db.session.get(RequiredTraining, requirement.id)
        overdue = db.session.scalars(
            select(User.id).outerjoin(Enrolment, required.enrolment_join(found))
            .where(required.in_scope(found), required.overdue(found, today()))).all()
    assert overdue == [confirmed_long_ago]
    assert joined_long_ago not in overdue
