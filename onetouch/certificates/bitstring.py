"""The bitstring of a status list (W3C Bitstring Status List v1.0), one bit per credential.

Index 0 is the left-most bit: the most significant bit of the first byte. Published as
``encodedList``: the bitstring GZIP-compressed, then base64url without padding, with the
multibase prefix ``u``.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable

SIZE = 131_072  # entries per list: the minimum the specification sets, 16 KiB of bits
# A list is small once compressed; refuse to inflate anything much larger than lists get.
MAX_BYTES = 16 * 1024 * 1024


def empty(size: int = SIZE) -> bytes:
    return bytes(size // 8)


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"status index {index} is outside a list of {len(bits) * 8}")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def with_bits(bits: bytes, indexes: Iterable[int]) -> bytes:
    """The bitstring with the bits at ``indexes`` set (setting one twice changes nothing)."""
    changed = bytearray(bits)
    for index in indexes:
        is_set(bits, index)  # the range check
        changed[index // 8] |= 0x80 >> (index % 8)
    return bytes(changed)


def encode(bits: bytes) -> str:
    # mtime=0: the same bits always give the same text, so re-signing is reproducible.
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``; ValueError when it is not one."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url (prefix u)")
    body = encoded[1:]
    try:
        packed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_",
                                  validate=True)
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing
        bits = inflater.decompress(packed, MAX_BYTES + 1)
    except (ValueError, zlib.error) as error:
        raise ValueError(f"encodedList is not GZIP in base64url: {error}") from None
    if len(bits) > MAX_BYTES or inflater.unconsumed_tail:
        raise ValueError("encodedList inflates to more than a status list can be")
    if not inflater.eof:
        raise ValueError("encodedList is not GZIP in base64url: the stream is cut short")
    return bits
