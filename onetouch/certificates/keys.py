"""The Ed25519 key that signs credentials and revocation lists.

Generated into the instance folder on first use (``signing_key.pem``, readable by the owner
only), or given as PEM in ``CREDENTIAL_SIGNING_KEY`` so that every server of a cluster
signs with the same key. The public half is published as a Multikey document.

``cryptography`` (8 MB) is imported by the functions that make or read a key, so that a worker
loads it when it first signs or verifies, not at start-up.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

KEY_FILE = "signing_key.pem"
_ED25519_MULTICODEC = b"\xed\x01"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _ALPHABET[remainder] + encoded
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _ALPHABET.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def public_multibase(key: Ed25519PublicKey) -> str:
    return "z" + base58btc(_ED25519_MULTICODEC + key.public_bytes_raw())


def public_from_multibase(value: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not value.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    data = base58btc_decode(value[1:])
    if not data.startswith(_ED25519_MULTICODEC) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(key.public_bytes_raw()).hexdigest()[:16]


def signing_key() -> Ed25519PrivateKey:
    """The installation's private key, loaded once per process."""
    cached = current_app.extensions.get("onetouch.signing_key")
    if cached is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        configured = current_app.config.get("CREDENTIAL_SIGNING_KEY")
        pem = configured.encode() if configured else _instance_key(Path(current_app.instance_path))
        cached = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(cached, Ed25519PrivateKey):
            raise ValueError("CREDENTIAL_SIGNING_KEY is not an Ed25519 private key")
        current_app.extensions["onetouch.signing_key"] = cached
    return cached


def _instance_key(folder: Path) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = folder / KEY_FILE
    if not path.exists():
        # Written to a private temporary file and linked into place, as the secret key is.
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        temporary = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_bytes()
