"""Account rules: registration, log-in, passwords, profile. No ``request`` in here.

Functions change the session and flush; the view commits once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from onetouch.accounts import checks, consent, passwords, throttle
from onetouch.accounts.checks import AccountError, normalise_email
from onetouch.accounts.models import AudienceGroup, User, UserSession
from onetouch.accounts.phone import normalise_phone
from onetouch.accounts.signals import password_reset, user_registered
from onetouch.core import security_log
from onetouch.db import utcnow

RESET_SALT = "onetouch-password-reset"
RESET_MAX_AGE = 3600  # seconds a reset link stays valid


@dataclass
class Registration:
    full_name: str
    password: str
    province_code: str
    commune_code: str
    audience: AudienceGroup | None  # None when the form had none: a broken rule
    consent: bool
    phone: str | None = None
    email: str | None = None
    position: str | None = None
    birth_year: int | None = None


# update_profile leaves the birth year as it is unless told otherwise.
KEEP = object()


def register(session: Session, data: Registration, assisted_by: User | None = None,
             consent_later: bool = False) -> User:
    """Create an account; every rule is checked here, whatever form the data came from.
    The consent is recorded with the privacy notice's version.

    :param assisted_by: the community digital technology team member signing the user up.
    :param consent_later: an operator creates the account (``flask users create-admin``):
        its owner has not read the notice yet, and is asked to accept it at first log-in.
    :raises AccountErrors: every broken rule, each with the field it concerns.
    """
    checks.raise_all(registration_problems(session, data, consent_later))
    if assisted_by is not None and not confirmed_team_member(assisted_by):
        raise AccountError(_l("Chỉ thành viên Tổ công nghệ số cộng đồng đã được tỉnh xác nhận "
                              "mới đăng ký giúp người dân."))
    phone, email = checks.contact(data.phone, data.email)
    user = User(full_name=" ".join(data.full_name.split()), phone=phone, email=email,
                password_hash=passwords.hash_password(data.password),
                province_code=data.province_code, commune_code=data.commune_code,
                audience=data.audience, position=(data.position or "").strip() or None,
                consent_at=utcnow(), assisted_by=assisted_by,
                privacy_version=None if consent_later else consent.NOTICE_VERSION,
                registered_commune_code=data.commune_code, registered_audience=data.audience,
                birth_year=data.birth_year)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # Someone registered the same phone or e-mail a moment ago. A failed flush leaves the
        # session unusable until it is rolled back; nothing was written before it here.
        session.rollback()
        raise AccountError(_l("Số điện thoại hoặc email này đã được đăng ký."),
                           field="phone" if phone else "email") from None
    if not consent_later:
        consent.record(session, user, consent.ASSISTED if assisted_by else consent.REGISTER,
                       recorded_by=assisted_by, at=user.consent_at)
    user_registered.send(user, session=session)
    return user


def confirmed_team_member(user: User) -> bool:
    """Assisted sign-up is for community team members a province admin confirmed."""
    return (user.is_authenticated and user.audience is AudienceGroup.DIGITAL_TEAM
            and user.official_confirmed_at is not None)


def registration_problems(session: Session, data: Registration,
                          consent_later: bool = False) -> list[AccountError]:
    """Every rule a registration breaks, in the form's order; none when it may go ahead."""
    return checks.collect(
        lambda: checks.contact(data.phone, data.email),
        lambda: checks.check_unique(session, data.phone, data.email),
        lambda: checks.check_commune(session, data.province_code, data.commune_code),
        lambda: checks.check_audience(data.audience, data.position),
        lambda: checks.check_birth_year(data.birth_year),
        lambda: checks.check_new_password(data.password, data.phone, data.email,
                                          data.full_name),
        lambda: consent_later or checks.check_consent(data.consent),
    )


def find_by_login(session: Session, identifier: str) -> User | None:
    """The user whose phone (in any usual format) or e-mail is ``identifier``."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return session.scalar(select(User).where(User.email == normalise_email(identifier)))
    phone = normalise_phone(identifier)
    return session.scalar(select(User).where(User.phone == phone)) if phone else None


def authenticate(session: Session, identifier: str, password: str) -> User | None:
    """The user whose identifier and password these are, or None.

    :raises throttle.Locked: the account (or identifier) failed too often in the last hour.
    """
    user = find_by_login(session, identifier)
    if user is None:
        throttle.check_unknown(session, _login_form(identifier), password)
        return None
    if not throttle.check_password(session, user, password) or not user.is_active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    security_log.event("login_succeeded", user=user.id)
    return user


def _login_form(identifier: str) -> str:
    """One spelling per identifier, so that "0912 000 001" and "+84912000001" count as one."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return normalise_email(identifier) or ""
    return normalise_phone(identifier) or identifier


def set_password(user: User, new_password: str) -> None:
    """Set a new password and end every session of the user (their version moves on)."""
    problem = passwords.password_problem(new_password, user.phone, user.email, user.full_name)
    if problem:
        raise AccountError(problem, field="new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.session_version += 1
    security_log.event("password_changed", user=user.id)


def _require_password(session: Session, user: User, password: str | None) -> None:
    """The current password, before a sensitive change; counted like a log-in."""
    if not password or not throttle.check_password(session, user, password,
                                                   field="current_password",
                                                   event="password_check_failed"):
        raise AccountError(_l("Mật khẩu hiện tại không đúng."), field="current_password")


def change_password(session: Session, user: User, current: str, new_password: str,
                    keep: UserSession | None = None) -> None:
    """Every other session ends; ``keep`` (the one asking) goes on under the new version."""
    _require_password(session, user, current)
    set_password(user, new_password)
    if keep is not None:
        keep.version = user.session_version


def reset_password(session: Session, user: User, new_password: str) -> None:
    """By a reset link: every session ends, and the owner's failed log-ins are forgiven."""
    set_password(user, new_password)
    throttle.clear(session, user)
    password_reset.send(user, session=session)


def confirm_password(session: Session, user: User, password: str) -> None:
    """Re-authentication before a privileged action. :raises AccountError: if wrong."""
    _require_password(session, user, password)
    security_log.event("reauthenticated", user=user.id)


@dataclass(frozen=True)
class ContactChange:
    """What a profile update did to the ways of reaching the user, as they were before."""

    old_email: str | None
    email_changed: bool
    phone_changed: bool


def profile_problems(session: Session, user: User, phone: str | None, email: str | None,
                     province_code: str | None, commune_code: str | None,
                     audience: str | AudienceGroup | None, position: str | None,
                     birth_year: int | None = None) -> list[AccountError]:
    """Every rule a profile's new details break, in the page's order."""
    return checks.collect(
        lambda: checks.contact(phone, email),
        lambda: checks.check_unique(session, phone, email, except_user=user),
        lambda: checks.check_commune(session, province_code, commune_code),
        lambda: checks.check_audience(audience, position),
        lambda: checks.check_birth_year(birth_year))


def update_profile(session: Session, user: User, *, full_name: str, phone: str | None,
                   email: str | None, province_code: str, commune_code: str,
                   audience: AudienceGroup, position: str | None,
                   current_password: str | None = None, birth_year=KEEP) -> ContactChange:
    """Save the profile; a new phone or e-mail needs the current password.

    :raises AccountErrors: every broken rule, before anything is changed.
    """
    checks.raise_all(profile_problems(session, user, phone, email, province_code,
                                      commune_code, audience, position,
                                      None if birth_year is KEEP else birth_year))
    new_phone, new_email = checks.contact(phone, email)
    change = ContactChange(user.email, new_email != user.email, new_phone != user.phone)
    if change.email_changed or change.phone_changed:
        _require_password(session, user, current_password)
        security_log.event("contact_changed", user=user.id, email=change.email_changed,
                           phone=change.phone_changed)
    _declare_again_if_moved(user, province_code, commune_code, audience)
    user.full_name = " ".join(full_name.split())
    user.phone, user.email = new_phone, new_email
    user.province_code, user.commune_code = province_code, commune_code
    user.audience, user.position = audience, (position or "").strip() or None
    if birth_year is not KEEP:
        user.birth_year = birth_year
    session.flush()
    return change


def _declare_again_if_moved(user: User, province_code: str, commune_code: str,
                            audience: AudienceGroup) -> None:
    """A confirmed official who changes audience, commune or province is declared again: the
    confirmation was for that post in that commune (see ``accounts/officials.py``)."""
    if user.official_confirmed_at is None:
        return
    if (audience, commune_code, province_code) != (user.audience, user.commune_code,
                                                     user.province_code):
        user.official_confirmed_at = None
        user.official_confirmed_by_id = None


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every earlier link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(session: Session, token: str, secret_key: str,
                         max_age: int = RESET_MAX_AGE) -> User | None:
    """The user a reset link belongs to, if it is genuine, unused and not expired."""
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        return None
    return user
