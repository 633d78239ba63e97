"""The "log" mail backend under the server `make run` starts: each mail is in the server's
log, with its recipient, subject and body, and the link read back from the log works."""

from __future__ import annotations

import logging
import re

import pytest

from tests.live import Browser, gunicorn, server_env

NEW_PASSWORD = "Lua-Chin-Vang!Dong-Thap-31"


@pytest.mark.slow  # gunicorn in processes of its own
def test_reset_mail_is_written_to_the_server_log(make_user, database_url, tmp_path):
    make_user(email="lan@example.org", full_name="Trần Thị Lan")
    log = tmp_path / "server.log"
    with gunicorn(server_env(database_url, tmp_path / "instance"), workers=1,
                  log=log) as base:
        browser = Browser(base)
        token = browser.csrf("/password/forgot")
        status, _ = browser.request("/password/forgot", {"email": "Lan@Example.org",
                                                         "csrf_token": token})
        assert status == 302
        written = log.read_text(encoding="utf-8")
        assert "To: lan@example.org" in written, written
        assert "Subject: Đặt lại mật khẩu OneTouch" in written
        assert "Trần Thị Lan" in written  # the body: it greets the learner by name
        link = re.search(re.escape(base) + r"(/password/reset/\S+)", written)
        assert link, written
        assert browser.request(link.group(1))[0] == 200
        token = browser.csrf(link.group(1))
        status, _ = browser.request(link.group(1), {
            "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token})
        assert status == 302
        browser.login("lan@example.org", NEW_PASSWORD)
    assert NEW_PASSWORD not in log.read_text(encoding="utf-8")


def test_the_mail_is_logged_at_info_without_lowering_any_level(client, make_user, caplog):
    """The level of the application's logger is left alone (NOTSET, WARNING through the
    root under gunicorn): only the mail logger keeps INFO."""
    make_user(email="lan@example.org")
    client.post("/password/forgot", data={"email": "lan@example.org"})
    mails = [record for record in caplog.records if record.name == "onetouch.mail"]
    assert len(mails) == 1
    assert mails[0].levelno == logging.INFO
    assert "To: lan@example.org" in mails[0].getMessage()
    assert "/password/reset/" in mails[0].getMessage()
    assert logging.getLogger("onetouch").level == logging.NOTSET
