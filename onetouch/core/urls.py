"""Redirect targets supplied by the visitor (?next=...)."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``.

    An open redirect would help phishing, the very thing our courses teach people to avoid.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return default
    return target
