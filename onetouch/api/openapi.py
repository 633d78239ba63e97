"""The OpenAPI 3 description of API v1. ``tests/api`` checks it against the URL map (every
``/api/v1`` route is described, nothing else is) and against the OpenAPI schema."""

from __future__ import annotations


def _filters() -> list[dict]:
    def query(name: str, schema: dict, description: str) -> dict:
        return {"name": name, "in": "query", "required": False, "schema": schema,
                "description": description}

    return [
        query("scheme", {"type": "string", "enum": ["2025", "legacy"], "default": "2025"},
              "34 provinces of the 2025 map, or the 63 provinces before 1 July 2025"),
        query("course", {"type": "integer"}, "only this course (learners are not filtered)"),
        query("audience", {"type": "string", "enum": ["citizen", "commune_official", "it_unit",
                                                       "digital_team", "civil_servant"]},
              "only this audience group"),
        query("from", {"type": "string", "format": "date"}, "first day, in Việt Nam"),
        query("to", {"type": "string", "format": "date"}, "last day, in Việt Nam"),
    ]


ROW = {"type": "object", "required": ["code", "name", "learners", "enrolments", "completions",
                                      "certificates"],
       "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                      "learners": {"type": "integer"}, "enrolments": {"type": "integer"},
                      "completions": {"type": "integer"}, "certificates": {"type": "integer"}}}
ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "integer"}, "parameter": {"type": "string"},
    "message": {"type": "string"}}}}}


COMMUNES = {"type": "object", "required": ["province", "communes"], "properties": {
    "province": {"type": "string"},
    "communes": {"type": "array", "items": {
        "type": "object", "required": ["code", "name"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}}}}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document(server: str) -> dict:
    bad = _json(ERROR, "a parameter is wrong; error.parameter names it")
    return {
        "openapi": "3.0.3",
        "info": {"title": "OneTouch API", "version": "1",
                 "description": "Learner statistics per province and commune, public "
                                "verification of certificates, and the communes of a "
                                "province."},
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/stats/provinces": {"get": {
                "summary": "Figures per province", "parameters": _filters(),
                "responses": {"200": _json({"type": "object", "properties": {
                    "scheme": {"type": "string"}, "filters": {"type": "object"},
                    "provinces": {"type": "array", "items": ROW}}}, "one object per province"),
                    "400": bad}}},
            "/api/v1/stats/provinces/{code}/communes": {"get": {
                "summary": "Figures per commune of a province (its admins and the ministry)",
                "parameters": [_path("code"), *_filters()[1:]],
                "responses": {"200": _json({"type": "object", "properties": {
                    "province": {"type": "string"}, "filters": {"type": "object"},
                    "communes": {"type": "array", "items": ROW}}}, "one object per commune"),
                    "400": bad, "401": _json(ERROR, "not logged in"),
                    "403": _json(ERROR, "not an admin of this province"),
                    "404": _json(ERROR, "no such province")}}},
            "/api/v1/stats/timeseries": {"get": {
                "summary": "Registrations and completions per week",
                "parameters": [*_filters()[1:], {"name": "province", "in": "query",
                                                 "required": False,
                                                 "schema": {"type": "string"}}],
                "responses": {"200": _json({"type": "object", "properties": {"weeks": {
                    "type": "array", "items": {"type": "object", "properties": {
                        "week": {"type": "string", "format": "date"},
                        "registrations": {"type": "integer"},
                        "completions": {"type": "integer"}}}}}}, "one object per week"),
                    "400": bad}}},
            "/api/v1/certificates/{token}": {"get": {
                "summary": "Verify a certificate",
                "parameters": [_path("token")],
                "responses": {"200": _json({"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["valid", "revoked"]},
                    "certificate": {"type": "object"}, "revocation": {"type": "object"}}},
                    "the certificate, with a masked name"),
                    "404": _json({"type": "object", "properties": {
                        "status": {"type": "string", "enum": ["not_found"]}}},
                        "unknown or malformed token")}}},
            "/api/v1/provinces/{code}/communes": {"get": {
                "summary": "The communes of a province (2025 map), for choosing one's commune",
                "parameters": [_path("code")],
                "responses": {"200": _json(COMMUNES, "the province's communes, by name"),
                              "404": _json(COMMUNES, "no such province: an empty list")}}},
            "/api/v1/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": {"description": "the OpenAPI document of API v1",
                                      "content": {"application/json": {
                                          "schema": {"type": "object"}}}}}}},
        },
    }
