"""JSON API v1 for statistics, and the OpenAPI document of the whole v1 API."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from onetouch.accounts import roles
from onetouch.extensions import db, limiter
from onetouch.geo.models import Province
from onetouch.stats import bp, queries
from onetouch.stats.filters import FilterError, parse
from onetouch.stats.openapi import document
from onetouch.stats.views import course_ids


def _bad(error: FilterError):
    return {"error": {"code": 400, "parameter": error.parameter, "message": error.message}}, 400


@bp.get("/api/v1/stats/provinces")
@limiter.limit("120 per minute")
def api_provinces():
    try:
        filters = parse(request.args, course_ids())
    except FilterError as error:
        return _bad(error)
    return {"scheme": filters.scheme, "filters": filters.args(),
            "provinces": [row.as_dict() for row in queries.by_area(db.session, filters).rows]}


@bp.get("/api/v1/stats/provinces/<code>/communes")
def api_communes(code: str):
    if not current_user.is_authenticated:
        return {"error": {"code": 401, "message": "log in as an admin of this province"}}, 401
    if db.session.get(Province, code) is None:
        return {"error": {"code": 404, "parameter": "code", "message": "no such province"}}, 404
    if not roles.can_manage_province(current_user, code):
        return {"error": {"code": 403, "message": "not an admin of this province"}}, 403
    try:
        filters = parse(request.args, course_ids())
    except FilterError as error:
        return _bad(error)
    rows = queries.by_commune(db.session, code, filters).rows
    return {"province": code, "filters": filters.args(), "communes": [r.as_dict() for r in rows]}


@bp.get("/api/v1/stats/timeseries")
@limiter.limit("120 per minute")
def api_timeseries():
    try:
        filters = parse(request.args, course_ids())
    except FilterError as error:
        return _bad(error)
    province = request.args.get("province") or None
    if province and db.session.get(Province, province) is None:
        return _bad(FilterError("province", "no such province (use a 2025 code)"))
    return {"filters": filters.args(), "province": province,
            "weeks": queries.weekly(db.session, filters, province_code=province)}


@bp.get("/api/v1/openapi.json")
def openapi():
    return document(request.url_root.rstrip("/"))
