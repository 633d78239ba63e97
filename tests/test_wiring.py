"""The events and who hears them, as ``create_app`` wires them: a missing receiver would
silently stop certificates, statistics or the audit log, so each one is named here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from onetouch import create_app
from onetouch.accounts.signals import (
    official_confirmed,
    official_rejected,
    role_granted,
    role_revoked,
    user_registered,
)
from onetouch.audit import services as audit
from onetouch.certificates import hooks
from onetouch.certificates.signals import certificate_issued, certificate_revoked
from onetouch.learning.signals import (
    course_completed,
    enrolled,
    requirement_cancelled,
    requirement_created,
    requirement_edited,
)
from onetouch.stats import events
from tests.fixtures.apps import make_config

EXPECTED = {
    "user_registered": (user_registered, {events.registered, audit.user_registered}),
    "role_granted": (role_granted, {audit.role_granted}),
    "role_revoked": (role_revoked, {audit.role_revoked}),
    "enrolled": (enrolled, {events.enrolled_here}),
    "course_completed": (course_completed, {hooks.issue_on_completion, events.completed}),
    "requirement_created": (requirement_created, {audit.requirement_created}),
    "requirement_edited": (requirement_edited, {audit.requirement_edited}),
    "requirement_cancelled": (requirement_cancelled, {audit.requirement_cancelled}),
    "official_confirmed": (official_confirmed, {audit.official_confirmed}),
    "official_rejected": (official_rejected, {audit.official_rejected}),
    "certificate_issued": (certificate_issued, {hooks.allocate_status, events.issued}),
    "certificate_revoked": (certificate_revoked, {hooks.publish_revocation, events.revoked,
                                                  audit.certificate_revoked}),
}


def receivers(signal) -> set:
    return {reference() for reference in signal.receivers.values()}


def test_create_app_connects_every_receiver(tmp_path):
    create_app(make_config(f"sqlite:///{tmp_path / 'wiring.sqlite3'}"))
    for name, (signal, expected) in EXPECTED.items():
        assert receivers(signal) == expected, name


def test_create_app_adds_the_certificates_to_my_learning(tmp_path):
    from onetouch.certificates import views as certificates
    from onetouch.learning import views as learning

    app = create_app(make_config(f"sqlite:///{tmp_path / 'wiring.sqlite3'}"))
    assert app.extensions[learning.SECTIONS] == [certificates.my_learning_section]


@pytest.mark.slow  # a fresh interpreter in a process of its own
def test_importing_the_features_connects_nothing():
    """Only create_app wires listeners: importing every package leaves the signals silent."""
    script = ("import onetouch.certificates.views, onetouch.stats.views, onetouch.learning.views\n"
              "from onetouch.learning.signals import course_completed, enrolled\n"
              "print(len(course_completed.receivers) + len(enrolled.receivers))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "0"
