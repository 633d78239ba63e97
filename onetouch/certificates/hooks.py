"""Certificates are issued in the transaction that completes the course."""

from __future__ import annotations

from onetouch.certificates.services import issue
from onetouch.learning.signals import course_completed


def issue_on_completion(enrolment, session, **extra) -> None:
    issue(session, enrolment)


def connect() -> None:
    """Called once by ``create_app`` (``onetouch.listeners``), never on import."""
    course_completed.connect(issue_on_completion)
