"""The learner's copy of their data, at once: JSON with every personal field and everything
tied to them, a printable page with the same, and nothing of anyone else."""

from __future__ import annotations

import json

from sqlalchemy import select

from onetouch.accounts import consent
from onetouch.accounts.models import User
from onetouch.extensions import db
from tests.privacy.conftest import EMAIL, HELPER, NAME, OTHER, OTHER_EMAIL, POSITION

# Every column of ``users``: where its value is in the copy, or why it is not. A new column
# fails the test until it is placed in one or the other.
IN_THE_COPY = {
    "id": ("id",), "full_name": ("full_name",), "phone": ("phone",), "email": ("email",),
    "province_code": ("place", "province_code"), "commune_code": ("place", "commune_code"),
    "audience": ("audience",), "position": ("position",), "birth_year": ("birth_year",),
    "registered_commune_code": ("registered_place", "commune_code"),
    "registered_audience": ("registered_audience",), "created_at": ("created_at",),
    "consent_at": ("consent_at",), "privacy_version": ("privacy_notice_version",),
    "last_login_at": ("last_login_at",),
    "official_confirmed_at": ("official_confirmed_at",),
    "official_rejected_at": ("official_refused_at",),
}
LEFT_OUT = {
    "password_hash": "a hash, said to be kept; giving it out would only help guessing",
    "session_version": "a counter of the server's, no information about the person",
    "is_active": "the account exists and is usable: the copy is proof enough",
    "is_demo": "always false for a person",
    "assisted_by_id": "another person's id: the copy says only that a member helped",
    "official_confirmed_by_id": "the confirming admin's id: the copy says when, not who",
    "deleted_at": "empty while the owner can ask for a copy",
    "search_name": "the name again, folded for admins' search: the copy holds the name",
}


def _copy(client) -> dict:
    response = client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def _at(document: dict, path: tuple[str, ...]):
    for key in path:
        document = document[key]
    return document


def _stored(value) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    return getattr(value, "value", value)


def test_every_column_of_users_is_in_the_copy_or_left_out_for_a_reason(app):
    with app.app_context():
        columns = set(db.metadata.tables["users"].columns.keys())
    assert columns == set(IN_THE_COPY) | set(LEFT_OUT)


def test_the_json_copy_holds_every_personal_field(app, client, learner, security_events):
    copy = _copy(client)
    account = copy["account"]
    with app.app_context():
        user = db.session.get(User, learner.id)
        for column, path in IN_THE_COPY.items():
            assert _at(account, path) == _stored(getattr(user, column)), column
    assert (account["full_name"], account["email"], account["position"]) == (
        NAME, EMAIL, POSITION)
    assert account["place"]["commune"]
    assert account["place"]["province"] == "Thành phố Hà Nội"
    assert account["signed_up_by_a_team_member"] is True
    assert "argon2" not in json.dumps(copy).lower().replace("argon2 hash kept", "")
    assert [c["notice_version"] for c in copy["consents"]] == [consent.NOTICE_VERSION]
    [login_session] = copy["sessions"]
    assert login_session["started_at"]
    assert "device" in login_session
    [enrolment] = copy["enrolments"]
    assert enrolment["course"] == "mau-khoa-hoc"
    assert enrolment["completed_at"]
    assert enrolment["modules"]
    assert all(m["completed_at"] for m in enrolment["modules"])
    assert copy["quiz_attempts"]
    assert all(a["passed"] for a in copy["quiz_attempts"])
    assert all(a["answers"] for a in copy["quiz_attempts"])
    [certificate] = copy["certificates"]
    assert (certificate["number"], certificate["learner_name"]) == (
        learner.certificate_number, NAME)
    [signup] = copy["audit_entries"]
    assert (signup["action"], signup["by"]) == ("assisted_signup", "team_member")
    notifications = copy["notifications"]
    assert (notifications["email"], notifications["sms"]) == (True, True)
    assert {("certificate_issued", "in_app")} <= {
        (m["kind"], m["channel"]) for m in notifications["messages"]}
    assert all(m["created_at"] for m in notifications["messages"])
    assert {"event": "data_exported", "user": learner.id}.items() <= next(
        e for e in security_events if e["event"] == "data_exported").items()


def test_the_copy_holds_nothing_of_anyone_else(app, client, learner):
    text = json.dumps(_copy(client), ensure_ascii=False)
    page = client.get("/profile/data/print").get_data(as_text=True)
    with app.app_context():
        others = db.session.scalars(select(User).where(User.id != learner.id)).all()
        for other in others:
            for value in (other.full_name, other.phone, other.email):
                if value:
                    assert value not in text, value
                    assert value not in page, value
    for value in (OTHER, OTHER_EMAIL, HELPER):
        assert value not in text


def test_the_printable_copy_reads_as_the_json_does(client, learner):
    response = client.get("/profile/data/print")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    for value in (NAME, EMAIL, POSITION, learner.certificate_number, "Thành phố Hà Nội",
                  consent.NOTICE_VERSION, "Đăng ký giúp người dân"):
        assert value in page, value
    assert "Ghi danh lúc" in page
    assert "Hoàn thành lúc" in page


def test_a_visitor_gets_no_copy(client):
    for path in ("/profile/data", "/profile/data.json", "/profile/data/print"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
