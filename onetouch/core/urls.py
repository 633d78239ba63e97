"""Redirect targets supplied by the visitor (?next=...), and the site's own absolute links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


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


# Where a development site without PUBLIC_URL is, outside any request: what `make run` serves.
DEVELOPMENT_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The origin every absolute link starts with (mail, credentials, status lists, the API
    document): PUBLIC_URL, which production must set. Only a development or test app without
    one uses the request's own origin, whose Host TRUSTED_HOSTS has checked."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/") if has_request_context() else DEVELOPMENT_URL


def external_url(endpoint: str, **values) -> str:
    """``url_for(..., _external=True)``, but on the site's fixed origin, never the Host's."""
    return site_url() + url_for(endpoint, **values)
