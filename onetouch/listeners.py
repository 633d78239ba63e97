"""Which feature listens to which event, in one place that ``create_app`` calls.

Learning announces ``enrolled`` and ``course_completed``; certificates issue on completion and
announce ``certificate_issued`` and ``certificate_revoked``; accounts announce
``user_registered``, ``role_granted``, ``role_revoked``, ``sessions_ended``,
``official_confirmed``, ``official_rejected``, ``reset_code_issued`` and ``password_reset``;
learning ``requirement_created``, ``requirement_edited`` and ``requirement_cancelled``.
Each receiver runs in the sender's transaction:

    quiz passed -> module/course completed (learning) -> certificate issued (certificates)
                -> rollups bumped for each of these events (stats)
    a requirement, a certificate issued or revoked, a password reset
                -> its messages in the outbox (notifications), delivered later by the worker
    an admin's action (a role, a requirement, a revocation, an assisted sign-up, ending a
    user's sessions, confirming or refusing an official)
                -> its audit entry (audit), committed or rolled back with it

``register_page_parts`` connects what a feature adds to a page of a feature below it.
"""

from __future__ import annotations

from flask import Flask


def register_listeners(app: Flask) -> None:
    from onetouch.certificates import hooks
    from onetouch.stats import events

    hooks.connect()
    events.connect()
    connect_audit()
    connect_notifications()


def connect_audit() -> None:
    """Every administrative action writes its audit entry in its own transaction."""
    from onetouch.accounts import signals as accounts
    from onetouch.audit import services as audit
    from onetouch.certificates import signals as certificates
    from onetouch.community import signals as community
    from onetouch.learning import signals as learning

    for signal, receiver in (
        (community.assisted_enrolment, audit.assisted_enrolment),
        (accounts.role_granted, audit.role_granted),
        (accounts.role_revoked, audit.role_revoked),
        (accounts.sessions_ended, audit.sessions_ended),
        (accounts.user_registered, audit.user_registered),
        (accounts.official_confirmed, audit.official_confirmed),
        (accounts.official_rejected, audit.official_rejected),
        (accounts.reset_code_issued, audit.reset_code_issued),
        (learning.requirement_created, audit.requirement_created),
        (learning.requirement_edited, audit.requirement_edited),
        (learning.requirement_cancelled, audit.requirement_cancelled),
        (certificates.certificate_revoked, audit.certificate_revoked),
    ):
        signal.connect(receiver)


def connect_notifications() -> None:
    """The outbox is written in the event's transaction: a rolled-back event notifies nobody."""
    from onetouch.accounts import signals as accounts
    from onetouch.certificates import signals as certificates
    from onetouch.learning import signals as learning
    from onetouch.notifications import outbox

    for signal, receiver in (
        (learning.requirement_created, outbox.requirement_created),
        (certificates.certificate_issued, outbox.certificate_issued),
        (certificates.certificate_revoked, outbox.certificate_revoked),
        (accounts.password_reset, outbox.password_reset),
    ):
        signal.connect(receiver)


def register_page_parts(app: Flask) -> None:
    """What a feature adds to the pages of a feature it builds on, handed over here so that
    the lower one never imports the higher: learning builds the learner's state with the
    quizzes' standing and the certificate, the catalogue's course and lesson pages ask
    learning for it, and certificates add the learner's certificates to "My learning"."""
    from onetouch.catalog import pages
    from onetouch.certificates import views as certificates
    from onetouch.certificates.services import course_certificate
    from onetouch.learning import state
    from onetouch.learning import views as learning
    from onetouch.quizzes.services import course_standings

    state.init_app(app, quizzes=course_standings, certificate=course_certificate)
    pages.init_app(app, learner=state.for_page)
    learning.add_my_learning_section(app, certificates.my_learning_section)
