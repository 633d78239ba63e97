"""Deleting an account: its personal fields are anonymised in place, so that every count the
statistics hold stays as it was and certificates already issued keep their status.

What goes: the name (on the account and on its certificates), phone, e-mail, password,
position, the place and audience group now (set back to where and as whom the person
registered, which the statistics count), every session and "remember me" token, the counted
log-in failures, the version of the notice accepted, the notifications (sent or not, with the
reminders given and the choice of channels). Consents are marked withdrawn.

What stays, tied to no name: the row's id, when and where (commune) the account was registered
and as which audience group, whether a team member signed it up (the assisted sign-up count),
enrolments, progress, quiz attempts and certificates (their number, course and status, so that
the verify page still answers, saying that the learner deleted their account). Audit entries
about the person or their certificates keep the action and lose the name; entries of what the
person did as an administrator or team member keep the name they acted under, as the record
of an official act.

A signed credential downloaded before the deletion stays valid (its signature and its status
bit are unchanged): it is the learner's own copy, and it names them only where they show it.
OneTouch no longer builds one, nor shows the name on any page.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from onetouch.accounts import consent, logins, throttle
from onetouch.accounts.models import ThrottleEvent, User, UserSession
from onetouch.audit import services as audit
from onetouch.audit.models import Action, AuditEntry
from onetouch.certificates.models import Certificate
from onetouch.core import clock, security_log
from onetouch.core.rules import RuleError
from onetouch.geo.models import Commune
from onetouch.notifications.models import ChannelChoice, Notification, ReminderMark

# What a deleted account is called where a name used to be.
DELETED_NAME = "Tài khoản đã xóa"
# Not an Argon2 hash: no password verifies against it.
NO_PASSWORD = "!deleted"  # noqa: S105


class Reason(StrEnum):
    REQUEST = "request"  # the owner asked for deletion
    WITHDRAWAL = "withdrawal"  # the owner withdrew consent
    INACTIVE = "inactive"  # no log-in for INACTIVE_ACCOUNT_YEARS

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    Reason.REQUEST: _l("Người dùng yêu cầu xóa tài khoản"),
    Reason.WITHDRAWAL: _l("Người dùng rút lại sự đồng ý xử lý dữ liệu cá nhân"),
    Reason.INACTIVE: _l("Tài khoản không hoạt động quá thời hạn lưu trữ"),
}


class ErasureError(RuleError):
    """The account cannot be deleted as it stands."""


def check_deletable(user: User) -> None:
    """An administrator's roles are revoked first, by a ministry admin: the grant stays as the
    record, and nobody loses the last ministry admin by a click."""
    if user.deleted_at is not None:
        raise ErasureError(_l("Tài khoản này đã được xóa."))
    if user.roles:
        raise ErasureError(_l("Tài khoản đang giữ vai trò quản trị. Vui lòng đề nghị quản trị "
                              "cấp bộ thu hồi vai trò trước khi xóa tài khoản."))


def delete_account(session: Session, user: User, reason: Reason,
                   actor: User | None = None) -> None:
    """Anonymise the account now; the caller commits.

    :param actor: who asks (the owner), or None on the command line.
    :raises ErasureError: if the account holds a role, or is already deleted.
    """
    check_deletable(user)
    consent.withdraw(session, user)
    logins.end_all(session, user, "account_deleted")
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.key.in_(
        [throttle.user_key(user), throttle.user_key(user, throttle.RESET)])))
    for model in (Notification, ReminderMark, ChannelChoice):
        session.execute(delete(model).where(model.user_id == user.id))
    _anonymise(session, user)
    _forget_names(session, user)
    audit.record(session, Action.ACCOUNT_DELETED, actor=actor,
                 target_type="user", target_id=user.id, target_name=deleted_label(user),
                 province_code=user.province_code, details=reason.label)
    security_log.event("account_deleted", user=user.id, reason=reason.value,
                       actor=actor.id if actor else None)


def deleted_label(user: User) -> str:
    return f"{DELETED_NAME} (#{user.id})"


def _anonymise(session: Session, user: User) -> None:
    user.deleted_at = clock.now()
    user.is_active = False
    user.full_name = DELETED_NAME
    user.phone = user.email = user.position = user.birth_year = None
    user.password_hash = NO_PASSWORD
    user.privacy_version = None
    user.last_login_at = None
    # The place and group the statistics counted the sign-up under; the later ones go.
    if user.registered_commune_code:
        commune = session.get(Commune, user.registered_commune_code)
        user.commune_code, user.province_code = commune.code, commune.province_code
    if user.registered_audience:
        user.audience = user.registered_audience
    session.flush()


def _forget_names(session: Session, user: User) -> None:
    """The name on the certificates, and in the audit entries about the person."""
    certificates = session.execute(select(Certificate.id, Certificate.number)
                                   .where(Certificate.user_id == user.id)).all()
    session.execute(update(Certificate).where(Certificate.user_id == user.id)
                    .values(learner_name="").execution_options(synchronize_session=False))
    session.execute(update(AuditEntry).where(
        AuditEntry.target_type == "user", AuditEntry.target_id == user.id)
        .values(target_name=deleted_label(user)).execution_options(synchronize_session=False))
    for certificate_id, number in certificates:
        session.execute(update(AuditEntry).where(
            AuditEntry.target_type == "certificate", AuditEntry.target_id == certificate_id)
            .values(target_name=f"{number} – {DELETED_NAME}")
            .execution_options(synchronize_session=False))
    for certificate in session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        session.expire(certificate, ["learner_name"])
