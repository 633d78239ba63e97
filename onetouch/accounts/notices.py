"""Mail that tells an account's owner what was done to the account."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from onetouch.accounts.mail import send_mail
from onetouch.accounts.models import User
from onetouch.accounts.services import ContactChange
from onetouch.core import clock


def contact_changed(user: User, change: ContactChange) -> None:
    """A new e-mail or phone is announced to the e-mail the account had: if someone else made
    the change, the owner learns of it where the intruder cannot read it. There is no SMS
    gateway, so an account without e-mail is told nothing."""
    if change.old_email and (change.email_changed or change.phone_changed):
        send_mail(change.old_email, _("Thông tin liên lạc của tài khoản OneTouch đã thay đổi"),
                  render_template("accounts/contact_changed_email.txt", user=user,
                                  change=change, at=clock.now().astimezone(clock.VIETNAM)))
