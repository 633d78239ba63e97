"""Sessions kept on the server: log-out ends a copied cookie and a captured remember-me token,
idle and absolute timeouts, remember-me rotation, the sessions page, an admin's "log out
everywhere"."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from onetouch import create_app
from onetouch.accounts import devices
from onetouch.accounts.models import User, UserSession
from onetouch.audit.models import Action, AuditEntry
from onetouch.config import ConfigError
from onetouch.extensions import db
from tests.fixtures.apps import make_config
from tests.fixtures.users import PASSWORD, phone_of

PAGE = "/my/learning"
REMEMBER = "remember_token"


def copy_of(app, client):
    """Another browser holding the very cookies of ``client``: a stolen session."""
    thief = app.test_client()
    for name in ("session", REMEMBER):
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def remembered(app, client, user_id: int):
    response = client.post("/login", data={"identifier": phone_of(app, user_id),
                                           "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie(REMEMBER) is not None
    return client.get_cookie(REMEMBER).value


def only_remember_cookie(app, token: str):
    """A browser that was closed: the session cookie is gone, the remember-me cookie is not."""
    browser = app.test_client()
    browser.set_cookie(REMEMBER, token)
    return browser


def test_a_copied_session_cookie_is_refused_after_log_out(app, client, make_user, login):
    login(client, make_user())
    thief = copy_of(app, client)
    assert thief.get(PAGE).status_code == 200  # a copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert thief.get(PAGE).status_code == 302
    assert client.get(PAGE).status_code == 302


def test_a_remember_token_captured_before_log_out_is_refused_after_it(app, client, make_user):
    token = remembered(app, client, make_user())
    client.post("/logout")
    assert client.get_cookie(REMEMBER) is None  # the browser's own copy is deleted too
    thief = only_remember_cookie(app, token)
    bounce = thief.get(PAGE)
    assert bounce.status_code == 302
    assert bounce.headers["Location"].startswith("/session/resume?next=/my/learning")
    refused = thief.post("/session/resume", data={"next": PAGE})
    assert refused.headers["Location"].startswith("/login")
    assert thief.get_cookie(REMEMBER) is None
    assert thief.get(PAGE).status_code == 302


def test_remember_me_continues_once_per_token_and_rotates_it(app, client, make_user):
    token = remembered(app, client, make_user())
    browser = only_remember_cookie(app, token)
    page = browser.get("/session/resume?next=/my/learning").get_data(as_text=True)
    assert 'id="resume-form"' in page
    assert "js/resume.js" in page
    resumed = browser.post("/session/resume", data={"next": PAGE})
    assert resumed.headers["Location"] == PAGE
    assert browser.get(PAGE).status_code == 200
    rotated = browser.get_cookie(REMEMBER).value
    assert rotated != token
    # The old token is spent: a copy taken before it was used opens nothing.
    assert only_remember_cookie(app, token).post("/session/resume").status_code == 302
    assert only_remember_cookie(app, token).get(PAGE).status_code == 302
    assert only_remember_cookie(app, rotated).post("/session/resume").status_code == 302
    with app.app_context():
        stored = set(db.session.scalars(select(UserSession.remember_hash)))
        assert hashlib.sha256(rotated.encode()).hexdigest() not in stored  # used just now
        assert token not in stored
        assert rotated not in stored


def test_admins_are_not_remembered(app, client, make_user):
    admin = make_user(role="ministry_admin")
    client.post("/login", data={"identifier": phone_of(app, admin), "password": PASSWORD,
                                "remember": "y"})
    assert client.get(PAGE).status_code == 200
    assert client.get_cookie(REMEMBER) is None


def test_the_database_holds_only_digests_of_the_session_secret(app, client, make_user, login):
    user = make_user()
    login(client, user)
    with app.test_request_context():
        from flask import current_app
        serializer = current_app.session_interface.get_signing_serializer(current_app)
        secret = serializer.loads(client.get_cookie("session").value)["_user_id"]
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.token_hash, row.remember_hash)


@pytest.mark.parametrize(("role", "idle"), [(None, 30), ("ministry_admin", 15)])
def test_idle_timeout_ends_the_session(client, make_user, login, later, role, idle):
    login(client, make_user(role=role))
    later(minutes=idle - 1)
    assert client.get(PAGE).status_code == 200  # activity: the idle time starts again
    later(minutes=2 * idle - 2)
    assert client.get(PAGE).status_code == 200
    later(minutes=3 * idle - 2)
    assert client.get(PAGE).status_code == 302
    later(minutes=3 * idle - 1)
    assert client.get(PAGE).status_code == 302  # and it stays ended


def test_the_absolute_lifetime_ends_an_active_session(client, make_user, login, later):
    login(client, make_user())
    for minutes in range(20, 12 * 60, 20):
        later(minutes=minutes)
        assert client.get(PAGE).status_code == 200, minutes
    later(minutes=12 * 60 + 1)
    assert client.get(PAGE).status_code == 302


def test_a_remembered_browser_comes_back_after_the_idle_timeout(app, client, make_user, later):
    remembered(app, client, make_user())
    later(hours=3)
    assert client.get(PAGE).headers["Location"].startswith("/session/resume")
    assert client.post("/session/resume", data={"next": PAGE}).headers["Location"] == PAGE
    assert client.get(PAGE).status_code == 200
    later(days=31)  # past the remember-me lifetime
    client.get(PAGE)
    assert client.post("/session/resume").headers["Location"].startswith("/login")


def test_the_sessions_page_lists_devices_and_ends_one_or_the_others(app, make_user, login):
    user = make_user()
    phone = app.test_client()
    laptop = app.test_client()
    tablet = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36")
    for browser in (phone, laptop, tablet):
        login(browser, user)
    page = phone.get("/profile/sessions").get_data(as_text=True)
    assert "Chrome · Android" in page
    assert page.count("/end\"") == 3
    with app.app_context():
        ids = db.session.scalars(select(UserSession.id).where(UserSession.user_id == user)
                                 .order_by(UserSession.id)).all()
    assert phone.post(f"/profile/sessions/{ids[1]}/end").status_code == 302
    assert laptop.get(PAGE).status_code == 302
    assert tablet.get(PAGE).status_code == 200
    assert phone.post("/profile/sessions/end-others").status_code == 302
    assert tablet.get(PAGE).status_code == 302
    assert phone.get(PAGE).status_code == 200
    assert phone.post(f"/profile/sessions/{ids[0]}/end").status_code == 302  # this one
    assert phone.get(PAGE).status_code == 302


def test_nobody_ends_another_users_session(app, make_user, login):
    mine, theirs = app.test_client(), app.test_client()
    login(mine, make_user())
    other = make_user()
    login(theirs, other)
    with app.app_context():
        their_row = db.session.scalar(select(UserSession.id).where(UserSession.user_id == other))
    assert mine.post(f"/profile/sessions/{their_row}/end").status_code == 404
    assert theirs.get(PAGE).status_code == 200


def test_an_admin_ends_a_users_sessions_with_a_recent_password(app, make_user, login, later):
    admin_id, learner_id = make_user(role="ministry_admin"), make_user(full_name="Chị Bị Mất Máy")
    admin, learner = app.test_client(), app.test_client()
    login(admin, admin_id)
    login(learner, learner_id)
    later(minutes=6)  # the admin's log-in is no longer recent
    asked = admin.post(f"/admin/users/{learner_id}/sessions/end")
    assert asked.headers["Location"].startswith("/reauth?next=/admin/users/")
    assert learner.get(PAGE).status_code == 200
    wrong = admin.post(asked.headers["Location"], data={"current_password": "Sai-mat-khau-9"})
    assert wrong.status_code == 422
    assert admin.post(asked.headers["Location"],
                      data={"current_password": PASSWORD}).status_code == 302
    assert admin.post(f"/admin/users/{learner_id}/sessions/end").status_code == 302
    assert learner.get(PAGE).status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry)
                                  .where(AuditEntry.action == Action.SESSIONS_ENDED))
        assert entry.target_id == learner_id
        assert entry.actor_id == admin_id
        assert "Chị Bị Mất Máy" in entry.target_name


def test_last_seen_moves_on_writes_only_and_at_most_every_five_minutes(app, client, make_user,
                                                                       login, later,
                                                                       synced_library):
    user = make_user()
    login(client, user)

    def last_seen():
        with app.app_context():
            return db.session.scalar(select(UserSession.last_seen_at)
                                     .where(UserSession.user_id == user))

    first = last_seen()
    later(minutes=4)
    client.post("/courses/mau-khoa-hoc/enrol")
    assert last_seen() == first
    later(minutes=6)
    client.get(PAGE)  # a GET never writes (the app fixture fails the test if it did)
    assert last_seen() == first
    client.post("/courses/mau-khoa-hoc/thuc-hanh/done")
    assert last_seen() > first


def test_a_password_change_ends_the_other_sessions_and_their_remember_tokens(app, make_user,
                                                                           login):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    token = remembered(app, elsewhere, user)
    new = "Song-Da!Muong-Thanh-44"
    assert here.post("/profile/password", data={"current_password": PASSWORD,
                                               "new_password": new,
                                               "confirm": new}).status_code == 302
    assert here.get(PAGE).status_code == 200
    assert elsewhere.get(PAGE).status_code == 302
    assert only_remember_cookie(app, token).post("/session/resume").headers[
        "Location"].startswith("/login")
    with app.app_context():
        live = db.session.scalar(select(func.count()).select_from(UserSession).join(User).where(
            UserSession.user_id == user, UserSession.version == User.session_version))
    assert live == 1


def test_purge_deletes_sessions_that_can_never_open_again(app, runner, make_user, login,
                                                          later):
    ended, remembered_user, live = make_user(), make_user(), make_user()
    login(app.test_client(), ended)
    remembered(app, app.test_client(), remembered_user)
    later(hours=13)  # past the absolute lifetime; the remember-me token lasts 30 days
    login(app.test_client(), live)
    result = runner.invoke(args=["users", "purge"])
    assert "deleted 1 ended session(s)" in result.output, result.output
    with app.app_context():
        left = set(db.session.scalars(select(UserSession.user_id)))
    assert left == {remembered_user, live}


def test_the_log_in_page_sends_a_remembered_browser_on(app, client, make_user):
    token = remembered(app, client, make_user())
    browser = only_remember_cookie(app, token)
    sent = browser.get("/login?next=/courses")
    assert sent.headers["Location"] == "/session/resume?next=/courses"
    assert browser.post("/session/resume", data={"next": "/courses"}).headers[
        "Location"] == "/courses"
    # "Không phải bạn?": forgetting the device revokes its token.
    spent = browser.get_cookie(REMEMBER).value
    assert browser.post("/logout").status_code == 302
    assert only_remember_cookie(app, spent).post("/session/resume").headers[
        "Location"].startswith("/login")


def test_logging_out_an_idle_remembered_browser_revokes_its_token(app, client, make_user,
                                                                  later):
    token = remembered(app, client, make_user())
    later(hours=3)  # the session went idle; the remember-me token still lives
    assert client.post("/logout").status_code == 302
    assert client.get_cookie(REMEMBER) is None
    assert only_remember_cookie(app, token).post("/session/resume").headers[
        "Location"].startswith("/login")


@pytest.mark.parametrize(("agent", "label"), [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari · iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge · Windows"),
    ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
     "coc_coc_browser/126.0.0 Chrome/120.0.0.0 Mobile Safari/537.36", "Cốc Cốc · Android"),
    ("curl/8.5.0", ""),
    (None, ""),
])
def test_device_labels_name_the_browser_and_system_only(agent, label):
    assert devices.label(agent) == label


@pytest.mark.parametrize("setting", ["SESSION_IDLE_MINUTES", "LOGIN_FAILURES_PER_HOUR"])
def test_limits_must_be_positive(database_url, setting):
    with pytest.raises(ConfigError, match=setting):
        create_app(make_config(database_url, **{setting: 0}))
