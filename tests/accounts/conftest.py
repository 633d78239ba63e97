"""Fixtures of the account tests: a clock that can be moved forward, and the security log
as the parsed JSON of each line."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from onetouch.core import clock, security_log


@pytest.fixture
def later(monkeypatch):
    """``later(minutes=31)``: from then on the app's clock reads that long after the test began
    (clock.now is where sessions and limits read the time)."""
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
        self.events.append(json.loads(record.getMessage()))  # each line is one JSON object


@pytest.fixture
def security_events():
    """The events written to the security log during the test, each line parsed as JSON."""
    logger = security_log.security_logger()
    kept = _Kept()
    logger.addHandler(kept)
    yield kept.events
    logger.removeHandler(kept)

