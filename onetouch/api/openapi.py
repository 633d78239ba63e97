"""The OpenAPI 3 description of API v1. ``tests/api`` checks it against the URL map (every
``/api/v1`` route is described, nothing else is), against the OpenAPI schema, against the rate
limits the limiter applies, and validates real answers of every route against it."""

from __future__ import annotations

from onetouch.api.limits import STATS_LIMIT, VERIFY_LIMIT
from onetouch.api.schemas import (
    AUDIENCES,
    COURSE_PARAMETER,
    DAY_PARAMETER,
    PROVINCE_CODE,
    ref,
    schemas,
)
from onetouch.core.errors import RETRY_AFTER_SECONDS
from onetouch.stats.filters import SCHEMES


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _filters() -> list[dict]:
    return [
        _query("scheme", {"type": "string", "enum": list(SCHEMES), "default": "2025"},
               "34 provinces of the 2025 map, or the 63 provinces before 1 July 2025"),
        _query("course", COURSE_PARAMETER,
               "only this course; learners are then those enrolled in it. A number that "
               "names no course matches nothing (every figure 0); 0 means every course"),
        _query("audience", {"type": "string", "enum": AUDIENCES}, "only this audience group"),
        _query("from", DAY_PARAMETER, "first day, in Việt Nam, 2020-01-01 to 2100-12-31; "
                                      "omit it rather than leave it empty"),
        _query("to", DAY_PARAMETER, "last day, in Việt Nam, 2020-01-01 to 2100-12-31; "
                                    "omit it rather than leave it empty"),
    ]


def _path(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": schema or {"type": "string"}}


def _json(schema: str, description: str, headers: dict | None = None) -> dict:
    response = {"description": description,
                "content": {"application/json": {"schema": ref(schema)}}}
    if headers:
        response["headers"] = headers
    return response


def _header(description: str, required: bool, minimum: int = 0) -> dict:
    return {"description": description, "required": required,
            "schema": {"type": "integer", "minimum": minimum}}


def _rate_headers(required: bool) -> dict:
    """What the limiter adds to every answer of a limited route (when limits are enabled)."""
    return {
        "X-RateLimit-Limit": _header("requests allowed in the window", required, minimum=1),
        "X-RateLimit-Remaining": _header("requests left in the window", required),
        "X-RateLimit-Reset": _header("when the window resets, in seconds since "
                                     "1970-01-01T00:00:00Z", required),
        "Retry-After": _header("seconds until the window resets", required),
    }


def _unavailable() -> dict:
    return _json("Error", "the database is unavailable; try again later", {
        "Retry-After": _header(f"seconds to wait before trying again (about {RETRY_AFTER_SECONDS})",
                               True)})


def _bad() -> dict:
    return _json("Error", "a parameter is wrong; error.parameter names it")


def _limited(operation: dict, limit: str) -> dict:
    """A rate-limited operation: its limit, the 429 answer and the limiter's headers."""
    for response in operation["responses"].values():
        response["headers"] = {**_rate_headers(required=False), **response.get("headers", {})}
    operation["responses"]["429"] = _json(
        "Error", f"more than {limit} from this address: wait Retry-After seconds",
        _rate_headers(required=True))
    operation["x-rate-limit"] = limit
    operation["description"] = f"At most {limit} from one address."
    return operation


def _get(summary: str, parameters: list[dict], responses: dict,
         limit: str | None = None) -> dict:
    operation = {"summary": summary, "parameters": parameters, "responses": responses}
    return {"get": _limited(operation, limit) if limit else operation}


def _statistics() -> dict:
    return {
        "/api/v1/stats/provinces": _get(
            "Figures per province", _filters(),
            {"200": _json("ProvinceFigures", "one object per province"), "400": _bad(),
             "503": _unavailable()}, STATS_LIMIT),
        "/api/v1/stats/provinces/{code}/communes": _get(
            "Figures per commune of a province (its admins and the ministry)",
            [_path("code", PROVINCE_CODE), *_filters()[1:]],
            {"200": _json("CommuneFigures", "one object per commune"), "400": _bad(),
             "401": _json("Error", "not logged in"),
             "403": _json("Error", "not an admin of this province"),
             "404": _json("Error", "no such province"), "503": _unavailable()}),
        "/api/v1/stats/timeseries": _get(
            "Registrations and completions per week",
            [*_filters()[1:], _query("province", PROVINCE_CODE,
                                     "only this province (a 2025 code)")],
            {"200": _json("Timeseries", "one object per week"), "400": _bad(),
             "404": _json("Error", "no such province"), "503": _unavailable()}, STATS_LIMIT),
    }


def _verification() -> dict:
    """A valid certificate's answer or a revoked one's, told apart by ``status``."""
    return {"description": "the certificate, with a masked name; a revoked one with the date "
                           "and reason of its revocation",
            "content": {"application/json": {"schema": {
                "oneOf": [ref("ValidCertificate"), ref("RevokedCertificate")],
                "discriminator": {"propertyName": "status", "mapping": {
                    "valid": "#/components/schemas/ValidCertificate",
                    "revoked": "#/components/schemas/RevokedCertificate"}}}}}}


def _others() -> dict:
    return {
        "/api/v1/certificates/{token}": _get(
            "Verify a certificate", [_path("token")],
            {"200": _verification(),
             "404": _json("CertificateNotFound", "unknown or malformed token"),
             "503": _unavailable()}, VERIFY_LIMIT),
        "/api/v1/provinces/{code}/communes": _get(
            "The communes of a province (2025 map), for choosing one's commune",
            [_path("code", PROVINCE_CODE)],
            {"200": _json("Communes", "the province's communes, by name"),
             "404": _json("Communes", "no such province: an empty list"),
             "503": _unavailable()}),
        "/api/v1/openapi.json": _get("This document", [], {
            "200": _json("OpenAPIDocument", "the OpenAPI document of API v1")}),
    }


def document(server: str) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "OneTouch API", "version": "1",
                 "description": "Learner statistics per province and commune, public "
                                "verification of certificates, and the communes of a "
                                "province. Dates are RFC 3339 full-dates (2026-12-01), days "
                                "in Việt Nam."},
        "servers": [{"url": server}],
        "paths": {**_statistics(), **_others()},
        "components": {"schemas": schemas()},
    }
