"""Sending e-mail: SMTP in production, the application log in development.

``MAIL_BACKEND`` is "log" (the default: the message is written to the log, nothing leaves
the machine) or "smtp" (``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS``, ``MAIL_USERNAME``,
``MAIL_PASSWORD``, ``MAIL_SENDER``).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

MAIL_LOGGER = "mail"  # a child of the application's logger: "onetouch.mail"


def mail_log() -> logging.Logger:
    """Where the log backend writes. Flask leaves the application's logger at NOTSET, so
    under gunicorn it inherits the root logger's WARNING and drops every INFO line: a mail
    written to the log would vanish, and the log backend exists to show it. This logger keeps
    INFO whatever the root says; its lines go to the application logger's handler (Flask's, on
    the WSGI server's error stream: gunicorn's log under ``make run``)."""
    logger = current_app.logger.getChild(MAIL_LOGGER)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    return logger


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_SENDER", "OneTouch <no-reply@localhost>")
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    backend = config.get("MAIL_BACKEND", "log")
    if backend == "smtp":
        _send_smtp(message)
    else:
        mail_log().info("mail (log backend)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config.get("MAIL_SERVER", "localhost"), int(config.get("MAIL_PORT", 25)),
                      timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
