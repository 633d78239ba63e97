"""Every ``/api/v1`` route. Each answers JSON, errors included, and calls a feature's service:
the API is a way in, not a place for rules."""

from __future__ import annotations

import re

from flask import Blueprint, request
from flask_login import current_user

from onetouch.accounts import roles
from onetouch.api import answers
from onetouch.api.limits import STATS_LIMIT, VERIFY_LIMIT
from onetouch.api.openapi import document
from onetouch.api.schemas import PROVINCE_CODE
from onetouch.certificates import services as certificates
from onetouch.core.urls import site_url
from onetouch.extensions import db, limiter
from onetouch.geo.models import Province
from onetouch.geo.services import communes_of
from onetouch.stats import queries
from onetouch.stats.filters import FilterError, parse

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(status: int, message: str, parameter: str | None = None):
    error = {"code": status, "message": message}
    if parameter:
        error["parameter"] = parameter
    return {"error": error}, status


def _bad(error: FilterError):
    return _error(400, error.message, error.parameter)


@bp.get("/openapi.json")
def openapi():
    return document(site_url())


@bp.get("/stats/provinces")
@limiter.limit(STATS_LIMIT)
def stats_provinces():
    try:
        filters = parse(request.args)
    except FilterError as error:
        return _bad(error)
    return {"scheme": filters.scheme, "filters": filters.args(),
            "provinces": [row.as_dict() for row in queries.by_area(db.session, filters).rows]}


@bp.get("/stats/provinces/<code>/communes")
def stats_communes(code: str):
    if not current_user.is_authenticated:
        return _error(401, "log in as an admin of this province")
    if db.session.get(Province, code) is None:
        return _error(404, "no such province", "code")
    if not roles.can_manage_province(current_user, code):
        return _error(403, "not an admin of this province")
    try:
        filters = parse(request.args)
    except FilterError as error:
        return _bad(error)
    rows = queries.by_commune(db.session, code, filters).rows
    return {"province": code, "filters": filters.args(), "communes": [r.as_dict() for r in rows]}


@bp.get("/stats/timeseries")
@limiter.limit(STATS_LIMIT)
def stats_timeseries():
    try:
        filters = parse(request.args)
    except FilterError as error:
        return _bad(error)
    province = request.args.get("province")
    if province is not None and not re.fullmatch(PROVINCE_CODE["pattern"], province):
        return _bad(FilterError("province", "a 2025 province code, two digits"))
    if province is not None and db.session.get(Province, province) is None:
        return _error(404, "no such province (use a 2025 code)", "province")
    return {"filters": filters.args(), "province": province,
            "weeks": queries.weekly(db.session, filters, province_code=province)}


@bp.get("/certificates/<token>")
@limiter.limit(VERIFY_LIMIT)
def certificate(token: str):
    found = answers.certificate(certificates.by_token(db.session, token))
    return found, 404 if found["status"] == "not_found" else 200, {"Cache-Control": "no-store"}


@bp.get("/provinces/<code>/communes")
def communes(code: str):
    """The communes of a province, for the registration form's one-step commune choice."""
    found = communes_of(db.session, code)
    answer = {"province": code, "communes": [{"code": c.code, "name": c.name} for c in found]}
    return answer, 200 if found else 404, {"Cache-Control": "public, max-age=86400"}
