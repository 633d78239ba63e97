"""The component schemas of the OpenAPI document: every object the API answers, typed.

Objects list all their properties and refuse others (``additionalProperties: false``), so a
field added to an answer without being described here fails the tests that validate real
answers against the document.
"""

from __future__ import annotations

from onetouch.accounts.models import AudienceGroup
from onetouch.certificates.services import NUMBER
from onetouch.core.params import DAY_PATTERN, ID_MAX
from onetouch.stats.filters import SCHEMES

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
DATE = {"type": "string", "format": "date"}  # RFC 3339 full-date: 2026-12-01
# What the API accepts, as core.params checks it: a day within 2020-2100, an id within the
# INTEGER column's range, a 2025 province code.
DAY_PARAMETER = {**DATE, "pattern": DAY_PATTERN}
COURSE_PARAMETER = {"type": "integer", "minimum": 0, "maximum": ID_MAX}
PROVINCE_CODE = {"type": "string", "pattern": "^[0-9]{2}$"}
# The day as printed on certificates and the verify page, for showing as it is.
DISPLAY_DATE = {"type": "string", "pattern": r"^\d{2}/\d{2}/\d{4}$", "example": "01/12/2026"}
AUDIENCES = [group.value for group in AudienceGroup]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def closed(properties: dict, required: list[str] | None = None, **extra) -> dict:
    """An object of exactly these properties; all of them required unless ``required`` says."""
    return {"type": "object", "required": list(properties) if required is None else required,
            "properties": properties, "additionalProperties": False, **extra}


def _statistics() -> dict:
    figures = {name: COUNT for name in ("learners", "enrolments", "completions", "certificates")}
    return {
        "Filters": closed({
            "scheme": {"type": "string", "enum": list(SCHEMES)},
            "course": INTEGER,
            "audience": {"type": "string", "enum": AUDIENCES},
            "from": DATE, "to": DATE,
        }, required=["scheme"], description="The filters applied, as query parameters; "
                                            "those not given are left out."),
        "AreaFigures": closed({"code": STRING, "name": STRING, **figures}),
        "ProvinceFigures": closed({"scheme": {"type": "string", "enum": list(SCHEMES)},
                                   "filters": ref("Filters"),
                                   "provinces": {"type": "array", "items": ref("AreaFigures")}}),
        "CommuneFigures": closed({"province": STRING, "filters": ref("Filters"),
                                  "communes": {"type": "array", "items": ref("AreaFigures")}}),
        "WeekFigures": closed({"week": {**DATE, "description": "the Monday of the week"},
                               "registrations": COUNT, "completions": COUNT}),
        "Timeseries": closed({
            "filters": ref("Filters"),
            "province": {"type": "string", "nullable": True,
                         "description": "the province asked for; null for the whole country"},
            "weeks": {"type": "array", "items": ref("WeekFigures")}}),
    }


def _certificates() -> dict:
    return {
        "Certificate": closed({
            "number": {"type": "string", "pattern": NUMBER.pattern},
            "learner": {"type": "string", "nullable": True,
                        "description": "the name, masked: Nguyễn V. A.; null when the learner "
                                       "has deleted their account"},
            "learner_deleted": {"type": "boolean", "description": "issued to a learner who has "
                                                                  "since deleted their account"},
            "course": STRING,
            "hours": {"type": "number", "minimum": 0},
            "issuing_unit": STRING,
            "issued_on": {**DATE, "description": "the day of issue in Việt Nam"},
            "issued_on_display": DISPLAY_DATE,
        }),
        "Revocation": closed({
            "date": {**DATE, "description": "the day of revocation in Việt Nam"},
            "date_display": DISPLAY_DATE,
            "reason": STRING,
        }),
        "ValidCertificate": closed({"status": {"type": "string", "enum": ["valid"]},
                                    "certificate": ref("Certificate")}),
        "RevokedCertificate": closed({"status": {"type": "string", "enum": ["revoked"]},
                                      "certificate": ref("Certificate"),
                                      "revocation": ref("Revocation")}),
        "CertificateNotFound": closed({"status": {"type": "string", "enum": ["not_found"]}}),
    }


def _document() -> dict:
    """This document's own top level; the OpenAPI 3.0 schema describes what lies below it."""
    return closed({
        "openapi": {"type": "string", "pattern": r"^3\.0\.\d+$"},
        "info": closed({"title": STRING, "version": STRING, "description": STRING}),
        "servers": {"type": "array", "items": closed({"url": STRING})},
        "paths": {"type": "object", "additionalProperties": {"type": "object"},
                  "description": "OpenAPI Path Item Objects, by path"},
        "components": {"type": "object", "description": "OpenAPI Components Object"},
    }, externalDocs={"url": "https://spec.openapis.org/oas/v3.0.3"})


def schemas() -> dict:
    return {
        "Error": closed({"error": closed({
            "code": INTEGER, "message": STRING,
            "parameter": {"type": "string", "description": "the parameter at fault"},
        }, required=["code", "message"])}),
        **_statistics(),
        **_certificates(),
        "Communes": closed({"province": STRING, "communes": {
            "type": "array", "items": closed({"code": STRING, "name": STRING})}}),
        "OpenAPIDocument": _document(),
    }
