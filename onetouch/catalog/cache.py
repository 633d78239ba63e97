"""A per-process cache of public catalogue pages, for visitors who are not logged in.

A lesson page is the same for every anonymous visitor in one language, and the library
changes only when ``flask courses sync`` runs. So the rendered page is kept in each worker,
keyed by URL, language and text size, and dropped when the library version (the latest
``courses.updated_at``, moved by every sync that changes something) differs. A worker looks
at that version at most every ``PAGE_CACHE_CHECK_SECONDS``: after a sync, pages may be that
many seconds old. Hits for visitors without a session are answered by ``ServeCached`` in
front of Flask, so they pay for no request hooks at all. The cache is derived data only;
any worker can be killed and any number can share one database. Logged-in visitors, or
anyone with a pending message, get a fresh render.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from flask import Flask, Request, Response, current_app, request, session
from sqlalchemy import func, select
from werkzeug.http import parse_cookie

from onetouch.content.models import Course
from onetouch.core.preferences import text_size
from onetouch.extensions import db, language_cookie

EXTENSION = "onetouch.page_cache"


class PageCache:
    def __init__(self, max_entries: int, check_seconds: float) -> None:
        self.max_entries = max_entries
        self.check_seconds = check_seconds
        # Whole pages for anonymous visitors, (body, etag), keyed by cache_key(); and the
        # shells of pages (see pages.py), keyed by ("shell", *cache_key()).
        self.entries: OrderedDict[tuple, object] = OrderedDict()
        self.version: str | None = None
        self.checked_at = float("-inf")
        self.lock = threading.Lock()

    def fresh(self) -> bool:
        """Was the library version checked recently enough to serve without asking again?"""
        return time.monotonic() - self.checked_at < self.check_seconds

    def current_version(self) -> str:
        now = time.monotonic()
        if now - self.checked_at >= self.check_seconds:
            version = str(db.session.scalar(select(func.max(Course.updated_at))))
            with self.lock:
                if version != self.version:
                    self.entries.clear()
                    self.version = version
                self.checked_at = now
        return self.version

    def get(self, key: tuple):
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def keep(self, key: tuple, value):
        """Keep anything derived from the library alone; dropped with the pages by a sync."""
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
        return value

    def put(self, key: tuple, body: bytes, version: str) -> tuple[bytes, str]:
        etag = hashlib.sha256(repr((version, key)).encode()).hexdigest()[:32]
        return self.keep(key, (body, etag))


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE", True)
    app.config.setdefault("PAGE_CACHE_ENTRIES", 1024)
    app.config.setdefault("PAGE_CACHE_CHECK_SECONDS", 2.0)
    cache = PageCache(app.config["PAGE_CACHE_ENTRIES"], app.config["PAGE_CACHE_CHECK_SECONDS"])
    app.extensions[EXTENSION] = cache
    app.wsgi_app = ServeCached(app, cache, app.wsgi_app)


def cache_key(full_path: str, cookies, app: Flask) -> tuple:
    """The URL, the language and the text size: what an anonymous page depends on."""
    language = cookies.get(language_cookie(app), "")
    if language not in app.config["LANGUAGES"]:
        language = app.config["BABEL_DEFAULT_LOCALE"]
    return full_path, language, text_size(cookies)


def _response(hit: tuple[bytes, str]) -> Response:
    response = Response(hit[0], content_type="text/html; charset=utf-8")
    response.set_etag(hit[1])
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")
    return response


class ServeCached:
    """WSGI middleware: a cached anonymous page is answered before Flask runs at all.

    Only for a GET with no session cookie (so nobody is logged in and no message waits) and
    while the library version was checked within PAGE_CACHE_CHECK_SECONDS; anything else,
    including the check itself, goes through Flask and the ``public_page`` decorator.
    """

    def __init__(self, app: Flask, cache: PageCache, wsgi_app) -> None:
        self.app = app
        self.cache = cache
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") == "GET" and self.app.config["PAGE_CACHE"]
                and self.cache.fresh()):
            cookies = parse_cookie(environ)
            if self.app.config["SESSION_COOKIE_NAME"] not in cookies:
                request_ = Request(environ)
                hit = self.cache.get(cache_key(request_.full_path, cookies, self.app))
                if hit is not None:
                    response = _response(hit).make_conditional(request_)
                    return response(environ, start_response)
        return self.wsgi_app(environ, start_response)


def derived(key: tuple, build):
    """``build()``, kept in the page cache under ``key`` until the library changes; a None
    (nothing found) is not kept."""
    if not current_app.config["PAGE_CACHE"]:
        return build()
    cache: PageCache = current_app.extensions[EXTENSION]
    cache.current_version()
    hit = cache.get(key)
    if hit is None:
        hit = build()
        if hit is not None:
            cache.keep(key, hit)
    return hit


def _cacheable() -> bool:
    return (current_app.config["PAGE_CACHE"] and request.method == "GET"
            and "_user_id" not in session and "_flashes" not in session)


def public_page(view):
    """Serve the view's 200 responses from the page cache for anonymous visitors."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable():
            return view(*args, **kwargs)
        cache: PageCache = current_app.extensions[EXTENSION]
        version = cache.current_version()
        key = cache_key(request.full_path, request.cookies, current_app)
        hit = cache.get(key)
        if hit is None:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            hit = cache.put(key, response.get_data(), version)
        return _response(hit).make_conditional(request)

    return wrapper
