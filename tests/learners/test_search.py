"""/admin/learners: search by name without accents, phone in any form, e-mail; filters and
status; pages and sorting."""

from __future__ import annotations

import pytest

from onetouch.learners import services
from tests.learners.conftest import listed


@pytest.mark.parametrize("text", ["nguyen thi hoa", "NGUYEN THI HOA", "Nguyễn Thị Hoà", "hoa",
                                  "thi hoa"])
def test_a_name_without_accents_finds_the_learner_and_nobody_else(as_admin, world, text):
    # Võ Thị Hoa (79) is not in this admin's province; nobody else is called Hoa.
    assert listed(as_admin.get("/admin/learners", query_string={"q": text})) == [world["hoa"]]


def test_a_name_matches_whole_words_from_their_start(as_admin, world):
    # "hung" begins "Hùng", not "Phùng" (whose word begins with "p").
    assert listed(as_admin.get("/admin/learners?q=hung")) == [world["hung"]]
    assert listed(as_admin.get("/admin/learners?q=ung")) == []


def test_the_ministry_finds_names_in_every_province(as_ministry, world):
    found = listed(as_ministry.get("/admin/learners?q=hoa"))
    assert sorted(found) == sorted([world["hoa"], world["hcm"]])


@pytest.mark.parametrize("text", ["0912 345 678", "+84912345678", "84912345678", "0912.345.678",
                                  "0912-345-678"])
def test_a_phone_in_any_usual_form_finds_its_owner(as_admin, world, text):
    assert listed(as_admin.get("/admin/learners", query_string={"q": text})) == [world["hoa"]]


@pytest.mark.parametrize("text", ["0912", "chau@", "khong co ai", "!!!", "0999 999 999"])
def test_a_text_that_matches_nobody_lists_nobody(as_admin, world, text):
    # The e-mail-only account (no phone) must not match a text that is not a phone number.
    assert listed(as_admin.get("/admin/learners", query_string={"q": text})) == []


def test_an_email_is_exact_and_ignores_case(as_admin, world):
    assert listed(as_admin.get("/admin/learners?q=LE.CHAU@Example.VN")) == [world["chau"]]
    assert listed(as_admin.get("/admin/learners?q=chau@example.vn")) == []


def test_filters_by_commune_audience_and_course(as_admin, world):
    commune = listed(as_admin.get(f"/admin/learners?commune={world['other_commune']}"))
    assert commune == [world["official"]]
    officials = listed(as_admin.get("/admin/learners?audience=commune_official"))
    assert officials == [world["official"]]
    in_course = listed(as_admin.get(f"/admin/learners?course={world['course']}"))
    assert sorted(in_course) == sorted([world["hoa"], world["hung"]])


def test_status_enrolled_completed_and_overdue(as_admin, world):
    enrolled = listed(as_admin.get("/admin/learners?status=enrolled"))
    assert sorted(enrolled) == sorted([world["hoa"], world["hung"]])
    assert listed(as_admin.get("/admin/learners?status=completed")) == [world["hung"]]
    # Citizens of Hà Nội who did not complete the required course: Hoà (enrolled) and Châu.
    overdue = listed(as_admin.get("/admin/learners?status=overdue"))
    assert sorted(overdue) == sorted([world["hoa"], world["chau"]])
    assert listed(as_admin.get("/admin/learners?status=overdue&q=hoa")) == [world["hoa"]]


def test_a_cancelled_requirement_makes_nobody_overdue(app, as_admin, world):
    from onetouch.core.clock import now
    from onetouch.extensions import db
    from onetouch.learning.models import RequiredTraining

    with app.app_context():
        for requirement in db.session.query(RequiredTraining):
            requirement.cancelled_at = now()
        db.session.commit()
    assert listed(as_admin.get("/admin/learners?status=overdue")) == []


def test_pages_and_sorting(as_admin, world, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    by_name = [world[k] for k in ("chau", "hoa", "official", "admin", "hung")]  # folded order
    pages = [listed(as_admin.get(f"/admin/learners?page={n}")) for n in (1, 2, 3, 4)]
    assert pages == [by_name[:2], by_name[2:4], by_name[4:], []]
    backwards = listed(as_admin.get("/admin/learners?sort=name&dir=desc&page=1"))
    assert backwards == by_name[::-1][:2]
    joined = listed(as_admin.get("/admin/learners?sort=joined&status=overdue"))
    assert joined == [world["hoa"], world["chau"]]
    recent = listed(as_admin.get("/admin/learners?sort=joined&dir=desc&status=overdue"))
    assert recent == [world["chau"], world["hoa"]]
    # The admin logged in; nobody else did: who never did comes last, either way.
    assert listed(as_admin.get("/admin/learners?sort=activity"))[0] == world["admin"]
    assert listed(as_admin.get("/admin/learners?sort=activity&dir=desc"))[0] == world["admin"]
    assert as_admin.get("/admin/learners?sort=commune").status_code == 200


@pytest.mark.parametrize("query", ["status=late", "sort=phone", "audience=x", "course=abc",
                                   "commune=99999", "dir=up"])
def test_a_wrong_filter_is_refused(as_admin, world, query):
    assert as_admin.get(f"/admin/learners?{query}").status_code == 400


def test_a_revoked_certificate_reopens_completed_and_overdue(app, as_admin, world, factories):
    from sqlalchemy import select

    from onetouch.certificates.models import Certificate
    from onetouch.extensions import db

    with app.app_context():
        certificate = db.session.scalar(select(Certificate.id)
                                        .where(Certificate.user_id == world["hung"]))
    factories.revoke_certificate(certificate, world["ministry"])
    assert listed(as_admin.get("/admin/learners?status=completed")) == []
    overdue = listed(as_admin.get("/admin/learners?status=overdue"))
    assert sorted(overdue) == sorted([world["hoa"], world["chau"], world["hung"]])
