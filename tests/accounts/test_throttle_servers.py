"""The per-account limit holds across two gunicorn workers and two source addresses, and the
security log reaches the server's log: what one worker counted, the other refuses."""

from __future__ import annotations

import functools
import http.client
import json
import threading
import urllib.request

import pytest

from tests.fixtures.users import PASSWORD
from tests.live import Browser, _NoRedirect, gunicorn, server_env

pytestmark = pytest.mark.slow  # gunicorn in processes of its own

LIMIT = 6
ADDRESSES = ("127.0.0.1", "127.0.0.2")  # the whole of 127/8 is loopback on Linux
WRONG = "Sai-mat-khau-1"


class _FromAddress(urllib.request.HTTPHandler):
    """Connections that leave from a given local address: the server sees two clients."""

    def __init__(self, address: str) -> None:
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection,
                                              source_address=(self.address, 0)), req)


def browser_from(base: str, address: str) -> Browser:
    browser = Browser(base)
    browser.opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(browser.jar), _NoRedirect, _FromAddress(address))
    return browser


def at_once(browsers: list[Browser], forms: list[dict]) -> list[int]:
    """One log-in attempt from each browser at the same moment: with two sync workers busy
    hashing, each worker takes one."""
    statuses = [0] * len(browsers)

    def attempt(number: int) -> None:
        statuses[number] = browsers[number].request("/login", forms[number])[0]

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_the_account_limit_holds_across_workers_and_addresses(make_user, database_url,
                                                              tmp_path):
    make_user(phone="+84912000001")
    log = tmp_path / "server.log"
    env = {**server_env(database_url, tmp_path / "instance"),
           "ONETOUCH_LOGIN_FAILURES_PER_HOUR": str(LIMIT)}
    with gunicorn(env, workers=2, log=log) as base:
        browsers = [browser_from(base, address) for address in ADDRESSES]
        forms = [{"identifier": "0912000001", "password": WRONG, "csrf_token": b.csrf("/login")}
                 for b in browsers]
        counted = [status for _ in range(LIMIT // 2) for status in at_once(browsers, forms)]
        refused = at_once(browsers, forms)
        right = at_once(browsers, [{**form, "password": PASSWORD} for form in forms])
    assert counted == [422] * LIMIT
    assert refused == [429, 429]
    assert right == [429, 429]  # the right password too: no outcome is told while locked
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
              if line.startswith("{")]
    failed = [event for event in events if event["event"] == "login_failed"]
    assert len(failed) == LIMIT
    assert {event["ip"] for event in failed} == set(ADDRESSES)
    assert len({event["pid"] for event in failed}) == 2  # both workers counted
    [locked] = [event for event in events if event["event"] == "account_locked"]
    assert locked["user"] == failed[0]["user"]
    assert not [event for event in events if event["event"] == "login_succeeded"]
