"""Text helpers: Vietnamese accent folding for search and matching, slugs, content digests."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

# "đ" is a letter of its own, not "d" plus a mark, so Unicode decomposition leaves it alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold_char(char: str) -> str:
    """One character without its accents, lower-case; always exactly one character long."""
    base = unicodedata.normalize("NFD", char.translate(_LETTERS))[0].lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Lower-case text without Vietnamese accents, of the same length as the input.

    Keeping the length lets a match found in the folded text be cut from the original,
    with its accents, for a search snippet.
    """
    return "".join(fold_char(char) for char in unicodedata.normalize("NFC", text))


def normalise_answer(text: str) -> str:
    """The form in which short text answers are compared: folded, single-spaced, trimmed."""
    return _SPACES.sub(" ", fold(text)).strip(" .,;:!?\"'")


def slugify(text: str, separator: str = "-") -> str:
    """An ASCII slug: "Dịch vụ công" -> "dich-vu-cong"."""
    return _NOT_SLUG.sub(separator, fold(text)).strip(separator)


def digest(values: dict) -> str:
    """A stable SHA-256 of JSON-able values: the same values give the same hash, key order aside."""
    encoded = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()
