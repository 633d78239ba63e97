"""Certificates are issued in the transaction that completes the course."""

from __future__ import annotations

from onetouch.certificates.services import issue
from onetouch.learning.signals import course_completed


@course_completed.connect
def _issue_on_completion(enrolment, session, **extra) -> None:
    issue(session, enrolment)
