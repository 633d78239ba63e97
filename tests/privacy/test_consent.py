"""Consent is recorded with the notice's version at sign-up (own or assisted); a user who has
not accepted the notice in force is asked before any page that processes their data, and
still reads public pages."""

from __future__ import annotations

from sqlalchemy import select

from onetouch.accounts import consent
from onetouch.accounts.models import Consent, User
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD, first_commune


def _consents(app, user_id: int) -> list[Consent]:
    with app.app_context():
        rows = db.session.scalars(select(Consent).where(Consent.user_id == user_id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def test_sign_up_records_the_notice_version_and_the_time(app, client, security_events):
    page = client.get("/register").get_data(as_text=True)
    assert 'href="/privacy"' in page, "the sign-up form links to the notice"
    with app.app_context():
        commune = first_commune("01")
    response = client.post("/register", data={
        "full_name": "Vi Thị Mai", "phone": "0912 345 001", "password": PASSWORD,
        "confirm": PASSWORD, "province_code": "01", "commune_code": commune,
        "audience": "citizen", "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.full_name == "Vi Thị Mai"))
        assert user.privacy_version == consent.NOTICE_VERSION
        user_id = user.id
    [given] = _consents(app, user_id)
    assert (given.notice_version, given.via, given.withdrawn_at) == (
        consent.NOTICE_VERSION, "register", None)
    assert given.given_at is not None
    assert {"event": "consent_given", "user": user_id, "version": consent.NOTICE_VERSION} \
        .items() <= next(e for e in security_events if e["event"] == "consent_given").items()


def test_without_consent_nothing_is_created(app, client):
    with app.app_context():
        commune = first_commune("01")
    response = client.post("/register", data={
        "full_name": "Vi Thị Lan", "phone": "0912 345 002", "password": PASSWORD,
        "confirm": PASSWORD, "province_code": "01", "commune_code": commune,
        "audience": "citizen"})
    assert response.status_code == 422
    assert "Cần có sự đồng ý xử lý dữ liệu cá nhân" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.full_name == "Vi Thị Lan")) is None
        assert db.session.scalars(select(Consent)).all() == []


def test_an_assisted_sign_up_records_who_took_the_consent(app, make_user):
    helper = make_user(audience="digital_team", confirmed_days_ago=1)
    citizen = make_user(assisted_by=helper)
    [given] = _consents(app, citizen)
    assert (given.via, given.recorded_by_id, given.notice_version) == (
        "assisted", helper, consent.NOTICE_VERSION)


def _forget_acceptance(app, user_id: int) -> None:
    """As an account from before the notice (the migration's rows): the sign-up check box's
    consent, version "0", and no version of the notice accepted."""
    with app.app_context():
        db.session.get(User, user_id).privacy_version = None
        for row in db.session.scalars(select(Consent).where(Consent.user_id == user_id)):
            row.notice_version, row.via = consent.BEFORE_NOTICE, "before_notice"
        db.session.commit()


def test_a_user_without_the_current_version_is_asked_before_learning(
        app, client, make_user, login, synced, security_events):
    user = make_user()
    _forget_acceptance(app, user)
    login(client, user)
    asked = client.get("/my/learning")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/privacy/accept?next=/my/learning"
    assert client.post("/courses/mau-khoa-hoc/enrol").headers["Location"].startswith(
        "/privacy/accept")
    for public in ("/", "/courses", "/courses/mau-khoa-hoc", "/privacy", "/verify",
                   "/profile", "/profile/data", "/profile/data.json", "/profile/delete"):
        assert client.get(public).status_code == 200, public
    page = client.get("/privacy/accept?next=/my/learning").get_data(as_text=True)
    assert consent.NOTICE_VERSION in page
    assert "Tôi đồng ý" in page
    assert [c.notice_version for c in _consents(app, user)] == [consent.BEFORE_NOTICE]

    accepted = client.post("/privacy/accept?next=/my/learning")
    assert accepted.headers["Location"] == "/my/learning"
    assert client.get("/my/learning").status_code == 200
    before, given = _consents(app, user)
    assert (before.notice_version, given.notice_version, given.via) == (
        consent.BEFORE_NOTICE, consent.NOTICE_VERSION, "notice")
    assert any(e["event"] == "consent_given" and e["via"] == "notice" for e in security_events)


def test_accepting_twice_records_one_consent(app, client, make_user, login):
    user = make_user()
    login(client, user)
    assert client.post("/privacy/accept").status_code == 302
    assert len(_consents(app, user)) == 1


def test_the_notice_is_public_versioned_and_linked_from_every_page(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert f"Phiên bản {consent.NOTICE_VERSION}" in page
    for words in ("91/2025/QH15", "Quản trị tỉnh", "Tổ công nghệ số cộng đồng",
                  "Rút lại sự đồng ý", "Xem và nhận bản sao", "Chỉnh sửa", "Xóa"):
        assert words in page, words
    assert 'href="/privacy"' in client.get("/courses").get_data(as_text=True)
