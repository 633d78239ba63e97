"""Vietnamese mobile phone numbers, normalised to one form: +84 and nine digits."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# After the country code or the leading 0, mobile numbers start with 3, 5, 7, 8 or 9.
_MOBILE = re.compile(r"^[35789]\d{8}$")


def normalise_phone(raw: str) -> str | None:
    """"0912 345 678", "+84912345678", "84-912-345-678" all give "+84912345678".

    Returns None when the text is not a Vietnamese mobile number.
    """
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if not _MOBILE.match(digits):
        return None
    return "+84" + digits


def display_phone(normalised: str) -> str:
    """The familiar national form: "+84912345678" -> "0912 345 678"."""
    local = "0" + normalised.removeprefix("+84")
    return f"{local[:4]} {local[4:7]} {local[7:]}"
