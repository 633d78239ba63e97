"""Fixtures of the privacy tests: a learner with something of everything (a team member
signed them up, they completed the sample course and hold its certificate, they are logged
in), another learner, and the security log as parsed JSON lines."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest

from onetouch.core import clock, security_log

NAME = "Phạm Thị Hồng Nhung"
EMAIL = "hong.nhung@example.vn"
POSITION = "Phó Chủ tịch UBND xã"
OTHER = "Đinh Quang Vũ"
OTHER_EMAIL = "quang.vu@example.vn"
HELPER = "Lò Văn Thắng"


@dataclass
class Learner:
    id: int
    helper: int
    other: int
    certificate_number: str
    certificate_token: str


@pytest.fixture
def learner(client, make_user, login, factories, synced_library) -> Learner:
    helper = make_user(audience="digital_team", confirmed_days_ago=1, full_name=HELPER)
    user = make_user(full_name=NAME, email=EMAIL, audience="commune_official",
                     position=POSITION, assisted_by=helper)
    other = make_user(province="79", full_name=OTHER, email=OTHER_EMAIL)
    factories.issue_certificate(other)
    certificate = factories.issue_certificate(user)
    login(client, user)
    return Learner(user, helper, other, certificate.number, certificate.token)


@pytest.fixture
def later(monkeypatch):
    """``later(minutes=6)``: from then on the app's clock reads that long after now."""
    start = clock.now()

    def move(**delta) -> None:
        moment = start + timedelta(**delta)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(json.loads(record.getMessage()))


@pytest.fixture
def security_events():
    logger = security_log.security_logger()
    kept = _Kept()
    logger.addHandler(kept)
    yield kept.events
    logger.removeHandler(kept)
