"""Site-wide routes and template helpers: health check, language switch, number format."""

from functools import cache

from babel import Locale
from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import format_date, format_datetime, get_locale

from onetouch.core.errors import RETRY_AFTER_SECONDS, UNAVAILABLE
from onetouch.core.health import OK, database_status
from onetouch.core.urls import safe_next
from onetouch.extensions import language_cookie

bp = Blueprint("core", __name__)

ONE_YEAR = 365 * 24 * 3600


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


@bp.app_context_processor
def template_helpers() -> dict:
    return {"current_locale": lambda: str(get_locale()), "format_date": format_date,
            "format_datetime": format_datetime}


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
