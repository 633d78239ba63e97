"""Certificates are issued in the transaction that completes the course; each one gets its
place in a status list as it is issued, and its bit is set as it is revoked, in the same
transaction."""

from __future__ import annotations

from onetouch.certificates import status
from onetouch.certificates.services import issue
from onetouch.certificates.signals import certificate_issued, certificate_revoked
from onetouch.learning.signals import course_completed


def issue_on_completion(enrolment, session, **extra) -> None:
    issue(session, enrolment)


def allocate_status(certificate, session, **extra) -> None:
    status.allocate_new(session, certificate)


def publish_revocation(certificate, session, **extra) -> None:
    status.mark_revoked(session, certificate)


def connect() -> None:
    """Called once by ``create_app`` (``onetouch.listeners``), never on import."""
    course_completed.connect(issue_on_completion)
    certificate_issued.connect(allocate_status)
    certificate_revoked.connect(publish_revocation)
