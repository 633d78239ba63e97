"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from onetouch.text import fold

MIN_LENGTH = 8
MAX_LENGTH = 128
# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 degree of parallelism.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                        salt_len=16, type=Type.ID)
# The test suite registers and logs in people by the thousand: in an app under TESTING, the
# same algorithm at its lowest cost. Nothing else ever uses it.
TESTING_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=32,
                                salt_len=16, type=Type.ID)


def hasher() -> PasswordHasher:
    testing = has_app_context() and current_app.testing
    return TESTING_HASHER if testing else HASHER


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def dummy_hash() -> str:
    return _dummy_hash(hasher())


# A hash to verify against when no account matches, so that a wrong phone number takes
# as long as a wrong password and timing does not reveal who has an account.
@cache
def _dummy_hash(chosen: PasswordHasher) -> str:
    return chosen.hash("onetouch-no-such-account")


@cache
def _common() -> frozenset[str]:
    folder = resources.files("onetouch.accounts").joinpath("data")
    words: set[str] = set()
    for name in ("common-passwords.txt", "common-passwords-vi.txt"):
        words.update(line.strip() for line in folder.joinpath(name).read_text().splitlines())
    words.discard("")
    return frozenset(words)


def password_problem(password: str, *personal: str | None) -> str | None:
    """Why a new password is not acceptable, in Vietnamese, or None when it is fine.

    :param personal: the user's phone, e-mail and name: a password must not be one of them.
    """
    if len(password) < MIN_LENGTH:
        return str(_l("Mật khẩu cần có ít nhất %(count)d ký tự.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Mật khẩu dài quá %(count)d ký tự.", count=MAX_LENGTH))
    lowered = password.lower()
    if lowered in _common() or fold(password) in _common():
        return str(_l("Mật khẩu này quá phổ biến, kẻ gian đoán được ngay. Hãy chọn mật khẩu khác."))
    for value in filter(None, personal):
        token = value.lower().removeprefix("+84").split("@")[0]
        if len(token) >= 4 and token in lowered:
            return str(_l("Mật khẩu không được chứa số điện thoại, email hoặc tên của bạn."))
    if len(set(password)) < 4:
        return str(_l("Mật khẩu quá đơn giản: hãy dùng nhiều ký tự khác nhau."))
    return None
