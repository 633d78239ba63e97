"""A learner asks for a password code by SMS themselves: sent through the gateway (never stored
in clear text), used at /password/code; the same answer for an unknown number, which gets
nothing; limits per number and per address; no page where SMS is not configured."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from onetouch.accounts import codes
from onetouch.accounts.models import ResetCode, User
from onetouch.extensions import db
from onetouch.notifications import reset_by_sms
from onetouch.notifications.models import Notification
from tests.fixtures.users import phone_of

NEW = "Song-Da!Nui-Tan-Vien-31"
SAME_ANSWER = "Nếu số điện thoại này đã đăng ký, mã sẽ được gửi qua tin nhắn"
CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}) ([2-9A-HJKMNP-Z]{4})\b")


@pytest.fixture
def by_sms(app, gateway):
    app.config["PASSWORD_CODE_BY_SMS"] = True
    return gateway


def ask(client, phone: str, address: str = "203.0.113.5"):
    return client.post("/password/code/sms", data={"phone": phone},
                       environ_base={"REMOTE_ADDR": address})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_code_arrives_by_sms_and_sets_the_password(app, client, make_user, login, by_sms,
                                                       security_events):
    learner = make_user(phone="+84912000101")
    assert "/password/code/sms" in client.get("/password/code").get_data(as_text=True)
    answer = ask(client, "0912 000 101")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/password/code")
    assert SAME_ANSWER in client.get("/password/code").get_data(as_text=True)
    [(phone, text)] = by_sms.sent
    assert phone == "+84912000101"
    assert "/password/code" in text
    code = "".join(CODE.search(text).groups())
    with app.app_context():  # stored hashed only, and nothing in the outbox
        [stored] = db.session.scalars(select(ResetCode))
        assert code not in stored.code_hash
        assert stored.code_hash == codes.digest(code)
    assert count(app, Notification) == 0
    assert [e["user"] for e in security_events if e["event"] == "reset_code_sms_sent"] == [
        learner]
    assert all(code not in json.dumps(e) for e in security_events)
    done = client.post("/password/code", data={"identifier": "0912000101", "code": code,
                                               "new_password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert login(app.test_client(), learner, password=NEW)
    again = client.post("/password/code", data={"identifier": "0912000101", "code": code,
                                                "new_password": NEW, "confirm": NEW})
    assert again.status_code == 422  # single use


def test_a_new_code_by_sms_voids_the_old_one(app, client, make_user, by_sms):
    make_user(phone="+84912000102")
    ask(client, "0912000102")
    ask(client, "0912000102")
    first, second = ("".join(CODE.search(text).groups()) for _, text in by_sms.sent)
    old = client.post("/password/code", data={"identifier": "0912000102", "code": first,
                                              "new_password": NEW, "confirm": NEW})
    assert old.status_code == 422
    assert count(app, ResetCode) == 1


def test_an_unknown_number_gets_the_same_answer_and_nothing_is_sent(app, client, make_user,
                                                                    by_sms, security_events):
    admin = make_user(role="province_admin", role_province="01")
    for phone in ("0912 999 999", phone_of(app, admin)):  # nobody's; an admin's (by e-mail)
        answer = ask(client, phone)
        assert answer.status_code == 302
        assert answer.headers["Location"].endswith(
            "/password/code")
        assert SAME_ANSWER in client.get("/password/code").get_data(as_text=True)
    assert by_sms.sent == []
    assert count(app, ResetCode) == 0
    requested = [e for e in security_events if e["event"] == "reset_code_sms_requested"]
    assert [e["user"] for e in requested] == [None, None]


def test_limits_per_number_and_per_address(app, client, make_user, by_sms):
    make_user(phone="+84912000103")
    for _ in range(reset_by_sms.PER_PHONE_PER_HOUR):
        assert ask(client, "0912000103").status_code == 302
    refused = ask(client, "+84 912 000 103", address="198.51.100.7")  # same number, elsewhere
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "quá nhiều lần" in refused.get_data(as_text=True)
    assert len(by_sms.sent) == reset_by_sms.PER_PHONE_PER_HOUR
    for number in range(reset_by_sms.PER_ADDRESS_PER_HOUR):  # numbers nobody registered
        assert ask(client, f"09130002{number:02d}", address="192.0.2.9").status_code == 302
    assert ask(client, "0913000299", address="192.0.2.9").status_code == 429
    assert len(by_sms.sent) == reset_by_sms.PER_PHONE_PER_HOUR


def test_a_refused_sms_keeps_the_earlier_code_and_answers_the_same(app, client, make_user,
                                                                   by_sms, security_events):
    learner = make_user(phone="+84912000104")
    with app.app_context():
        earlier = codes.issue(db.session, db.session.get(User, learner), None).code
        db.session.commit()
    by_sms.failing = True
    answer = ask(client, "0912000104")
    assert answer.status_code == 302
    assert [e["user"] for e in security_events if e["event"] == "reset_code_sms_failed"] == [
        learner]
    done = client.post("/password/code", data={"identifier": "0912000104", "code": earlier,
                                               "new_password": NEW, "confirm": NEW})
    assert done.status_code == 302


def test_hidden_where_sms_is_not_configured(app, client, make_user, gateway):
    make_user(phone="+84912000105")
    assert "/password/code/sms" not in client.get("/password/code").get_data(as_text=True)
    assert client.get("/password/code/sms").status_code == 404
    assert ask(client, "0912000105").status_code == 404
    assert gateway.sent == []
    with app.test_request_context():
        app.config.update(PASSWORD_CODE_BY_SMS=True, PRODUCTION=True,
                          NOTIFY_SMS_GATEWAY="onetouch.notifications.sms:LogGateway")
        assert not reset_by_sms.offered()  # the log gateway is no delivery in production
        app.config["PRODUCTION"] = False
        assert reset_by_sms.offered()  # in development it is: the code is in the log
        app.config.update(PRODUCTION=True, NOTIFY_SMS_GATEWAY="provider.module:Gateway")
        assert reset_by_sms.offered()
        app.config["PRODUCTION"] = False
