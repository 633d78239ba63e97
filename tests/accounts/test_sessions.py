"""Log in and out, change password (ends other sessions), forgotten passwords."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.accounts.services import make_reset_token, user_for_reset_token
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD
from tests.postgres import _free_port

NEW_PASSWORD = "Song-Da!Muong-Thanh-44"


@pytest.mark.parametrize("identifier", ["0912000001", "+84 912 000 001", "LAN@example.org"])
def test_log_in_with_phone_in_any_format_or_email(client, make_user, identifier):
    make_user(phone="+84912000001", email="lan@example.org")
    response = client.post("/login", data={"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/my/learning").status_code == 200


@pytest.mark.parametrize("identifier", ["0912000001", "0999999999", "nobody@example.org"])
def test_wrong_credentials_get_one_message(client, make_user, identifier):
    make_user(phone="+84912000001")
    response = client.post("/login", data={"identifier": identifier, "password": "Sai-mat-khau-1"})
    assert response.status_code == 422
    assert "Số điện thoại/email hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_log_in_returns_to_a_safe_next_page_only(client, make_user, app):
    user = make_user(phone="+84912000001")
    good = client.post("/login?next=/courses", data={"identifier": "0912000001",
                                                     "password": PASSWORD})
    assert good.headers["Location"] == "/courses"
    client.post("/logout")
    bad = client.post("/login?next=https://evil.example/", data={"identifier": "0912000001",
                                                                 "password": PASSWORD})
    assert bad.headers["Location"] == "/my/learning"
    assert user


def test_log_out(client, make_user, login):
    login(client, make_user())
    assert client.post("/logout").status_code == 302
    assert client.get("/my/learning").status_code == 302


def test_change_password_ends_other_sessions_but_not_this_one(app, make_user, login):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    response = here.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert here.get("/my/learning").status_code == 200
    assert elsewhere.get("/my/learning").status_code == 302  # back to the log-in page


def test_change_password_checks_the_current_one_and_the_policy(client, make_user, login):
    login(client, make_user())
    wrong = client.post("/profile/password", data={
        "current_password": "Khong-dung-1", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    weak = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": "12345678", "confirm": "12345678"})
    assert "quá phổ biến" in weak.get_data(as_text=True)


def _reset_link(caplog) -> str:
    match = re.search(r"http://localhost(/password/reset/\S+)", caplog.text)
    assert match, caplog.text
    return match.group(1)


def test_forgotten_password_by_email_link_single_use(client, make_user, caplog):
    make_user(email="lan@example.org")
    caplog.set_level("INFO")
    response = client.post("/password/forgot", data={"email": "Lan@Example.org"})
    assert response.status_code == 302
    link = _reset_link(caplog)
    assert client.get(link).status_code == 200
    done = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.post("/login", data={"identifier": "lan@example.org",
                                       "password": NEW_PASSWORD}).status_code == 302
    assert client.get(link).status_code == 400  # used: the password it was made for changed


def test_forgot_password_does_not_reveal_accounts(client, caplog):
    caplog.set_level("INFO")
    response = client.post("/password/forgot", data={"email": "nobody@example.org"},
                           follow_redirects=True)
    assert "Nếu email này đã đăng ký" in response.get_data(as_text=True)
    assert "/password/reset/" not in caplog.text


def test_reset_tokens_expire_and_cannot_be_forged(app, make_user):
    user_id = make_user(email="lan@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        token = make_reset_token(user, app.config["SECRET_KEY"])
        assert user_for_reset_token(db.session, token, app.config["SECRET_KEY"]) is user
        assert user_for_reset_token(db.session, token, app.config["SECRET_KEY"],
                                    max_age=-1) is None
        assert user_for_reset_token(db.session, token, "another-secret-key" * 3) is None
        assert user_for_reset_token(db.session, token[:-2] + "xx",
                                    app.config["SECRET_KEY"]) is None


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def test_smtp_backend_sends_the_reset_mail(app_for, database_url):
    inbox = Inbox()
    port = _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        smtp_app = app_for(database_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
                           MAIL_PORT=port, MAIL_SENDER="OneTouch <no-reply@onetouch.test>")
        from onetouch.accounts.models import AudienceGroup
        from onetouch.accounts.services import Registration, register
        from tests.fixtures.users import first_commune

        with smtp_app.app_context():
            register(db.session, Registration(
                full_name="Lan", email="lan@example.org", password=PASSWORD,
                province_code="01", commune_code=first_commune("01"),
                audience=AudienceGroup.CITIZEN, consent=True))
            db.session.commit()
        response = smtp_app.test_client().post("/password/forgot",
                                               data={"email": "lan@example.org"})
        assert response.status_code == 302
    finally:
        server.stop()
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["lan@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Đặt lại mật khẩu OneTouch"
    assert "/password/reset/" in message.get_content()


def test_login_is_rate_limited(app_for, database_url):
    limited = app_for(database_url, RATELIMIT_ENABLED=True).test_client()
    statuses = [limited.post("/login", data={"identifier": "0912000001",
                                             "password": "Sai-mat-khau-1"}).status_code
                for _ in range(12)]
    assert statuses[:10] == [422] * 10
    assert statuses[-1] == 429


def test_user_rows_store_the_normalised_contact(app, make_user):
    make_user(phone="+84912000001", email="lan@example.org")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.phone, user.email) == ("+84912000001", "lan@example.org")
