"""Site-wide routes and template helpers: health check, language and text size, the parts of
an installable app (icon, manifest, service worker, offline page), number format."""

from functools import cache

from babel import Locale
from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from onetouch.core import clock, pwa
from onetouch.core.errors import RETRY_AFTER_SECONDS, UNAVAILABLE
from onetouch.core.health import OK, database_status
from onetouch.core.preferences import TEXT_SIZE_COOKIE, TEXT_SIZES, text_size
from onetouch.core.urls import safe_next
from onetouch.extensions import language_cookie

bp = Blueprint("core", __name__)

ONE_YEAR = 365 * 24 * 3600
ONE_WEEK = 7 * 24 * 3600
ONE_DAY = 24 * 3600


@bp.get("/healthz")
def healthz():
    status = database_status()
    if status == OK:
        return {"status": "ok", "database": OK}, 200, {"Cache-Control": "no-store"}
    return {"status": "error", "database": status}, UNAVAILABLE, {
        "Cache-Control": "no-store", "Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the chosen language in a cookie; works without JavaScript."""
    target = safe_next(request.args.get("next"), url_for("catalog.home"))
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(language_cookie(current_app), code, max_age=ONE_YEAR,
                            samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/text-size/<size>")
def set_text_size(size: str):
    """Remember the text size on this device in a cookie; a link, so it needs no JavaScript."""
    target = safe_next(request.args.get("next"), url_for("catalog.home"))
    response = redirect(target)
    if size in TEXT_SIZES:
        response.set_cookie(TEXT_SIZE_COOKIE, size, max_age=ONE_YEAR, samesite="Lax",
                            httponly=True)
    return response


@bp.app_template_global("text_size")
def text_size_of_request() -> str:
    """A global, not a context processor: the failure page renders without those."""
    return text_size(request.cookies)


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "icons/favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=ONE_WEEK)


@bp.get("/manifest.webmanifest")
def web_manifest():
    body = pwa.manifest(
        name=_("OneTouch: học kỹ năng số"), short_name="OneTouch",
        description=_("Học kỹ năng số miễn phí, cả khi mạng yếu: bài học đã mở vẫn đọc được "
                      "khi không có mạng."),
        lang=str(get_locale()), start_url=url_for("catalog.home"),
        icon_url=lambda file: url_for("static", filename=file))
    response = current_app.json.response(body)
    response.content_type = "application/manifest+json"
    response.cache_control.public = True
    response.cache_control.max_age = ONE_DAY
    response.vary.add("Cookie")  # the language
    return response


@bp.get("/sw.js")
def service_worker():
    """At the root, so that its scope is the whole site; checked for updates on every visit."""
    response = Response(pwa.service_worker(current_app.static_folder),
                        content_type="text/javascript; charset=utf-8")
    response.cache_control.no_cache = True
    return response


@bp.get("/offline")
def offline():
    """What the service worker shows when a page is not saved on the device, or when
    something sent without a connection (``?unsaved=1``) was not saved."""
    response = current_app.make_response(render_template(
        "core/offline.html", unsaved=request.args.get("unsaved") == "1"))
    response.cache_control.no_cache = True
    return response


@bp.app_context_processor
def template_helpers() -> dict:
    # format_date and format_datetime were Babel's, which wrote "1 thg 12, 2026" and
    # "06:31 1/12/26": a page that still calls them shows the one house style instead.
    return {"current_locale": lambda: str(get_locale()),
            "format_date": lambda value, *_: clock.date_text(value),
            "format_datetime": lambda value, *_: clock.datetime_text(value)}


@bp.app_template_filter("date")
def date_filter(value) -> str:
    """{{ day|date }} -> 01/12/2026 (a moment's day in Việt Nam)."""
    return clock.date_text(value)


@bp.app_template_filter("datetime")
def datetime_filter(value) -> str:
    """{{ moment|datetime }} -> 06:31, 01/12/2026 (Việt Nam time)."""
    return clock.datetime_text(value)


@bp.app_template_filter("decimal")
def decimal_filter(value: float) -> str:
    """1.5 -> "1,5" and 12345 -> "12.345" in Vietnamese; whole numbers without decimals.

    Babel's format_decimal takes about 40 µs a call, and a statistics page shows hundreds of
    numbers: the locale's separators are read from Babel once, the formatting is Python's.
    """
    group, decimal = _separators(str(get_locale()))
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.translate({ord(","): group, ord("."): decimal})


@cache
def _separators(locale: str) -> tuple[str, str]:
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["group"], symbols["decimal"]
