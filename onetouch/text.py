"""Text helpers: Vietnamese collation for lists people read, accent folding for search and
matching, slugs, content digests."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu

# "đ" is a letter of its own, not "d" plus a mark, so Unicode decomposition leaves it alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")

T = TypeVar("T")

# The type words that open the names of places: "Thành phố Hà Nội" is looked for under H,
# "Phường Ba Đình" under B. Longest first, so that "Thị xã" is not read as "Thị".
_PLACE_TYPES = ("Thành phố ", "Thị trấn ", "Đặc khu ", "Thị xã ", "Phường ", "Huyện ",
                "Quận ", "Tỉnh ", "Xã ")
# ICU collators may be shared by threads for reading, but PyICU gives no such promise:
# each thread of a server keeps its own.
_collators = threading.local()


def _collator() -> icu.Collator:
    if not hasattr(_collators, "vi"):
        _collators.vi = icu.Collator.createInstance(icu.Locale("vi_VN"))
    return _collators.vi


def collation_key(text: str) -> bytes:
    """The Vietnamese dictionary order (CLDR, by ICU): a < ă < â < b ... d < đ, tones after
    letters ("Cà Mau" before "Cao Bằng"), case and accents weighed after the letters."""
    return _collator().getSortKey(unicodedata.normalize("NFC", text))


def place_name(name: str) -> str:
    """A place's name without the word that says what kind of place it is:
    "Thành phố Hà Nội" -> "Hà Nội". The full name is what is shown; this is what is sorted."""
    for prefix in _PLACE_TYPES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def place_key(name: str) -> tuple[bytes, bytes]:
    """Sort key of a place: by its name without its type, then by the full name (a "Xã" and
    a "Phường" of the same name keep a fixed order)."""
    return collation_key(place_name(name)), collation_key(name)


def sorted_places(items: Iterable[T], name: Callable[[T], str] = lambda item: item.name
                  ) -> list[T]:
    """Places (provinces, communes, or anything with a place's name) in Vietnamese order."""
    return sorted(items, key=lambda item: place_key(name(item)))


def sorted_names(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """People's names, course titles and other names in Vietnamese order (no prefix dropped)."""
    return sorted(items, key=lambda item: collation_key(name(item)))


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
