"""Per-account limits on guessing passwords: held in the database every server shares,
temporary, the same for unknown identifiers, and counted although the request is refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from onetouch.accounts import services, throttle
from onetouch.accounts.models import ThrottleEvent, User
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD

LIMIT = 5
WRONG = "Sai-mat-khau-1"
LOCKED = "Tài khoản này tạm khóa vì nhập sai mật khẩu quá nhiều lần"
NEW_PASSWORD = "Song-Da!Muong-Thanh-44"


@pytest.fixture
def limited(app_for, database_url):
    return app_for(database_url, LOGIN_FAILURES_PER_HOUR=LIMIT)


def log_in(client, identifier: str, password: str, address: str = "192.0.2.1"):
    return client.post("/login", data={"identifier": identifier, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ThrottleEvent))


def test_an_account_locks_after_the_limit_from_any_address_and_unlocks_an_hour_later(
        limited, make_user, later):
    make_user(phone="+84912000001")  # in the same database as ``limited``
    client = limited.test_client()
    statuses = [log_in(client, "0912000001", WRONG, f"192.0.2.{n}").status_code
                for n in range(LIMIT)]
    assert statuses == [422] * LIMIT
    assert events(limited) == LIMIT  # counted, though each request answered 422
    refused = log_in(limited.test_client(), "+84 912 000 001", PASSWORD, "198.51.100.7")
    assert refused.status_code == 429
    assert LOCKED in refused.get_data(as_text=True)
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3601
    assert events(limited) == LIMIT  # a refused attempt is not a failure: the lock never grows
    later(minutes=61)
    assert log_in(client, "0912000001", PASSWORD).status_code == 302


def test_unknown_identifiers_lock_alike(limited):
    client = limited.test_client()
    for _ in range(LIMIT):
        assert log_in(client, "0999000111", WRONG).status_code == 422
    refused = log_in(client, "0999 000 111", WRONG)
    assert refused.status_code == 429
    assert LOCKED in refused.get_data(as_text=True)
    with limited.app_context():
        keys = set(db.session.scalars(select(ThrottleEvent.key)))
    assert len(keys) == 1
    assert "0999000111" not in next(iter(keys))
    assert "84999000111" not in next(iter(keys))


def test_current_password_guesses_share_the_accounts_limit(limited, make_user):
    user_id = make_user()
    client = limited.test_client()
    with limited.app_context():
        phone = db.session.get(User, user_id).phone
    assert log_in(client, phone, PASSWORD).status_code == 302
    for _ in range(LIMIT):
        wrong = client.post("/profile/password", data={
            "current_password": WRONG, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        assert wrong.status_code == 422
    locked = client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert locked.status_code == 429
    assert LOCKED in locked.get_data(as_text=True)
    assert log_in(limited.test_client(), phone, PASSWORD).status_code == 429


def test_a_reset_by_email_link_lifts_the_lock(limited, make_user, caplog):
    make_user(email="lan@example.org")
    client = limited.test_client()
    for _ in range(LIMIT):
        log_in(client, "lan@example.org", WRONG)
    assert log_in(client, "lan@example.org", PASSWORD).status_code == 429
    caplog.set_level("INFO")
    client.post("/password/forgot", data={"email": "lan@example.org"})
    link = re.search(r"http://localhost(/password/reset/\S+)", caplog.text).group(1)
    assert client.post(link, data={"new_password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD}).status_code == 302
    assert log_in(client, "lan@example.org", NEW_PASSWORD).status_code == 302


def test_reset_mails_are_limited_per_account_with_the_same_answer(app, client, make_user,
                                                                  caplog):
    make_user(email="lan@example.org")
    caplog.set_level("INFO")
    answers = [client.post("/password/forgot", data={"email": "lan@example.org"},
                           follow_redirects=True).get_data(as_text=True) for _ in range(7)]
    mails = [r for r in caplog.records if r.name == "onetouch.mail"]
    assert len(mails) == app.config["RESET_MAILS_PER_HOUR"] == 5
    assert all("Nếu email này đã đăng ký" in answer for answer in answers)


def test_the_service_counts_one_account_across_addresses(limited, make_user):
    """Called directly, as each worker does: attempts from two addresses, each committed on
    its own, share one count; the limit-th failure locks the account for both."""
    phone = "+84912000001"
    make_user(phone=phone)
    for attempt in range(LIMIT):
        with limited.test_request_context(
                environ_base={"REMOTE_ADDR": ("203.0.113.9", "198.51.100.4")[attempt % 2]}):
            assert services.authenticate(db.session, phone, WRONG) is None
            db.session.commit()
    with limited.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.200"}):
        with pytest.raises(throttle.Locked) as locked:
            services.authenticate(db.session, phone, PASSWORD)
        assert locked.value.field == "password"
        db.session.rollback()


def test_the_current_password_page_is_limited_per_address(app_for, database_url, make_user,
                                                          login):
    guarded = app_for(database_url, RATELIMIT_ENABLED=True)
    client = guarded.test_client()
    login(client, make_user())
    statuses = [client.post("/profile/password", data={
        "current_password": WRONG, "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD}).status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429


def test_old_events_are_purged(app, runner, make_user, later):
    make_user(phone="+84912000001")
    with app.test_request_context(method="POST"):  # a log-in is a POST
        services.authenticate(db.session, "0912000001", WRONG)
        db.session.commit()
    later(minutes=61)
    result = runner.invoke(args=["users", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 counted attempt" in result.output
    assert events(app) == 0
