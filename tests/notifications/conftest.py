"""Requirements made through the service, outbox rows read back, and a recording SMS gateway."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from onetouch.accounts.models import AudienceGroup, User
from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.learning import lifecycle
from onetouch.notifications.models import Notification
from tests.accounts.conftest import security_events  # noqa: F401 (the security log, here too)

GATEWAY = "tests.notifications.conftest:RecordingGateway"


class RecordingGateway:
    """An SMS gateway for tests: keeps what it was asked to send; fails while ``failing``."""

    sent: list[tuple[str, str]] = []
    failing = False
    lock = threading.Lock()

    def __init__(self, config) -> None:
        self.config = config

    def send(self, phone: str, text: str) -> None:
        if RecordingGateway.failing:
            raise ConnectionError("gateway unreachable")
        with RecordingGateway.lock:
            RecordingGateway.sent.append((phone, text))


@pytest.fixture
def gateway(app):
    app.config["NOTIFY_SMS_GATEWAY"] = GATEWAY
    RecordingGateway.sent = []
    RecordingGateway.failing = False
    yield RecordingGateway
    RecordingGateway.failing = False


def assign(app, admin_id: int, *, province: str | None = None, deadline_in: int = 30,
           audience: str = "commune_official", title: str | None = None,
           commit: bool = True) -> int:
    """Require the sample course through the service, as the admin page does; its id."""
    with app.app_context():
        course = db.session.scalar(select(Course))
        requirement = lifecycle.assign(
            db.session, db.session.get(User, admin_id), course, today() - timedelta(days=60),
            lifecycle.Terms(AudienceGroup(audience), province,
                            today() + timedelta(days=deadline_in), title=title,
                            confirm_past=deadline_in < 0))
        if commit:
            db.session.commit()
        else:
            db.session.rollback()
        return requirement.id


def rows(app, **where) -> list[Notification]:
    """Outbox rows matching ``column=value``, detached, by id."""
    with app.app_context():
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found
