"""The security event log: one JSON object a line on ``onetouch.security``, with the account
and the address, for log-ins, lock-outs, refused permissions, ended sessions and privileges."""

from __future__ import annotations

import json
import logging

from onetouch.core import security_log
from tests.fixtures.users import PASSWORD, phone_of

ADDRESS = {"REMOTE_ADDR": "203.0.113.5"}


def named(events: list[dict], name: str) -> list[dict]:
    return [event for event in events if event["event"] == name]


def test_log_ins_failures_and_lock_outs(app_for, database_url, make_user, security_events):
    limited = app_for(database_url, LOGIN_FAILURES_PER_HOUR=2)
    user = make_user(phone="+84912000001")
    client = limited.test_client()
    for password in ("Sai-1-mat-khau", "Sai-2-mat-khau", PASSWORD):
        client.post("/login", data={"identifier": "0912000001", "password": password},
                    environ_base=ADDRESS)
    client.post("/login", data={"identifier": "0999999999", "password": "x"},
                environ_base=ADDRESS)
    failed = named(security_events, "login_failed")
    assert [(e["user"], e["ip"], e["path"]) for e in failed] == [
        (user, "203.0.113.5", "/login"), (user, "203.0.113.5", "/login"),
        (None, "203.0.113.5", "/login")]
    [locked] = named(security_events, "account_locked")
    assert (locked["user"], locked["ip"], locked["minutes"]) == (user, "203.0.113.5", 60)
    assert not named(security_events, "login_succeeded")  # the third came while locked
    assert all(PASSWORD not in json.dumps(e) and "0912000001" not in json.dumps(e)
               for e in security_events)


def test_a_success_a_refusal_and_the_end_of_a_session(app, client, make_user, login,
                                                      security_events, later):
    user = make_user()
    client.post("/login", data={"identifier": phone_of(app, user), "password": PASSWORD},
                environ_base=ADDRESS)
    assert named(security_events, "login_succeeded")[0]["ip"] == "203.0.113.5"
    [started] = named(security_events, "session_started")
    assert client.get("/admin/required").status_code == 403
    [denied] = named(security_events, "permission_denied")
    assert (denied["user"], denied["path"], denied["method"]) == (user, "/admin/required", "GET")
    client.post("/logout")
    [ended] = named(security_events, "session_ended")
    assert (ended["user"], ended["session"], ended["reason"]) == (user, started["session"],
                                                                  "logout")
    login(client, user)
    later(minutes=31)
    client.get("/my/learning")
    [idle] = named(security_events, "session_refused")
    assert (idle["user"], idle["reason"]) == (user, "idle")


def test_privilege_changes(app, make_user, login, security_events):
    admin = make_user(role="ministry_admin")
    learner = make_user(province="79")
    client = login(app.test_client(), admin)
    client.post(f"/admin/users/{learner}/roles", data={"role": "province_admin",
                                                      "province_code": "79"})
    [granted] = [e for e in named(security_events, "role_granted") if e["user"] == learner]
    assert (granted["actor"], granted["role"], granted["province"]) == (admin, "province_admin",
                                                                        "79")
    client.post(f"/admin/users/{learner}/roles/{granted['grant']}/revoke")
    [revoked] = named(security_events, "role_revoked")
    assert (revoked["actor"], revoked["user"], revoked["grant"]) == (admin, learner,
                                                                     granted["grant"])
    client.post(f"/admin/users/{learner}/sessions/end")
    [everywhere] = named(security_events, "sessions_ended")
    assert (everywhere["actor"], everywhere["user"], everywhere["reason"]) == (
        admin, learner, "ended_by_admin")


def test_the_logger_writes_bare_json_lines_whatever_the_root_level(capsys, app):
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # as under gunicorn: INFO would be dropped by the root
    try:
        with app.test_request_context("/login", method="POST", environ_base=ADDRESS):
            security_log.event("login_failed", user=7)
    finally:
        root.setLevel(level)
    [line] = capsys.readouterr().err.strip().splitlines()
    event = json.loads(line)  # no prefix before the JSON
    assert (event["event"], event["user"], event["ip"]) == ("login_failed", 7, "203.0.113.5")
    assert logging.getLogger(security_log.LOGGER).level == logging.INFO
