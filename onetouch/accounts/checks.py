"""The rules an account's details must keep, checked all together: a form with four problems
hears of all four at once, not one a submit. No ``request`` in here; nothing is written."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.accounts import passwords
from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.phone import normalise_phone
from onetouch.core.clock import today
from onetouch.core.rules import RuleError
from onetouch.geo.models import Commune


class AccountError(RuleError):
    """An account rule was broken; ``field`` names the form field the message belongs to."""


class AccountErrors(AccountError):
    """Several account rules broken at once. It reads as the first of them (``message``,
    ``field``) where one is enough, and ``problems`` holds them all, in the form's order."""

    def __init__(self, problems: list[AccountError]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


def normalise_email(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    return value or None


def collect(*checks: Callable[[], object]) -> list[AccountError]:
    """Run every check, keeping each one's complaint instead of stopping at the first."""
    problems = []
    for check in checks:
        try:
            check()
        except AccountError as problem:
            problems.append(problem)
    return problems


def raise_all(problems: list[AccountError]) -> None:
    if problems:
        raise AccountErrors(problems)


def contact(raw_phone: str | None, raw_email: str | None) -> tuple[str | None, str | None]:
    """The phone (+84...) and e-mail, normalised; one of them is needed."""
    phone = None
    if raw_phone and raw_phone.strip():
        phone = normalise_phone(raw_phone)
        if phone is None:
            raise AccountError(_l("Số điện thoại di động không hợp lệ."), field="phone")
    email = normalise_email(raw_email)
    if not phone and not email:
        raise AccountError(_l("Hãy nhập số điện thoại di động hoặc email."), field="phone")
    return phone, email


def check_commune(session: Session, province_code: str | None, commune_code: str | None) -> None:
    commune = session.get(Commune, commune_code or "")
    if commune is None:
        raise AccountError(_l("Hãy chọn xã, phường nơi bạn sống hoặc làm việc."),
                           field="commune_code")
    if commune.province_code != province_code:
        raise AccountError(_l("Xã, phường đã chọn không thuộc tỉnh, thành phố đã chọn."),
                           field="commune_code")


def check_unique(session: Session, raw_phone: str | None, raw_email: str | None,
                 except_user: User | None = None) -> None:
    """Neither the phone nor the e-mail belongs to another account (each checked on its own,
    so that a wrong phone does not hide a taken e-mail)."""
    phone = normalise_phone(raw_phone) if raw_phone and raw_phone.strip() else None
    for field, column, value, message in (
        ("phone", User.phone, phone, _l("Số điện thoại này đã được đăng ký.")),
        ("email", User.email, normalise_email(raw_email), _l("Email này đã được đăng ký.")),
    ):
        if value is None:
            continue
        owner = session.scalar(select(User.id).where(column == value))
        if owner is not None and (except_user is None or owner != except_user.id):
            raise AccountError(message, field=field)


def as_audience(value: str | AudienceGroup | None) -> AudienceGroup | None:
    """The audience group a form's value names, or None for nothing or something unknown."""
    try:
        return AudienceGroup(value)
    except ValueError:
        return None


FIRST_BIRTH_YEAR = 1900


def check_birth_year(year: int | None) -> None:
    """Optional; when given, from 1900 to this year (in Việt Nam)."""
    if year is not None and not FIRST_BIRTH_YEAR <= year <= today().year:
        raise AccountError(_l("Năm sinh phải từ %(first)d đến %(last)d.",
                              first=FIRST_BIRTH_YEAR, last=today().year), field="birth_year")


def check_audience(value: str | AudienceGroup | None, position: str | None) -> None:
    audience = as_audience(value)
    if audience is None:
        raise AccountError(_l("Vui lòng điền mục này."), field="audience")
    if audience is AudienceGroup.COMMUNE_OFFICIAL and not (position or "").strip():
        raise AccountError(_l("Cán bộ cấp xã vui lòng cho biết chức vụ."), field="position")


def check_new_password(password: str | None, phone: str | None, email: str | None,
                       full_name: str | None) -> None:
    problem = passwords.password_problem(password or "", normalise_phone(phone or ""),
                                         normalise_email(email), full_name)
    if problem:
        raise AccountError(problem, field="password")


def check_consent(given: bool) -> None:
    if not given:
        raise AccountError(_l("Cần có sự đồng ý xử lý dữ liệu cá nhân để đăng ký."),
                           field="consent")
