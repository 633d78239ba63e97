"""The OpenAPI document describes exactly the /api/v1 routes, is valid OpenAPI, documents the
rate limits the limiter applies, and types every object. test_answers.py validates real answers
against it."""

from __future__ import annotations

import re

from limits import parse
from openapi_spec_validator import validate

from onetouch.extensions import limiter

API = "/api/v1"


def routes(app) -> set[tuple[str, str]]:
    """(path in OpenAPI spelling, method) for every /api/v1 rule of the URL map."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def described(document: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, operations in document["paths"].items()
            for method in operations if method != "parameters"}


def test_the_document_lists_every_api_route_and_nothing_else(app, client):
    document = client.get(f"{API}/openapi.json").get_json()
    assert routes(app), "no API routes found: the comparison would prove nothing"
    assert described(document) == routes(app)


def test_every_api_route_is_on_the_api_blueprint(app):
    owners = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()
              if rule.rule.startswith(API)}
    assert owners == {"api"}


def test_the_document_is_valid_openapi(client):
    validate(client.get(f"{API}/openapi.json").get_json())


def test_path_parameters_are_declared(client):
    document = client.get(f"{API}/openapi.json").get_json()
    for path, operations in document["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


def test_the_communes_route_answers_as_documented(client):
    found = client.get(f"{API}/provinces/01/communes")
    assert found.status_code == 200
    body = found.get_json()
    assert body["province"] == "01"
    assert body["communes"]
    assert set(body["communes"][0]) == {"code", "name"}
    assert client.get(f"{API}/provinces/99/communes").status_code == 404


def limits_of(app) -> dict[str, set[str]]:
    """The rate limits the limiter applies to each /api/v1 path, as the limits library writes
    them ("60 per 1 minute"), found the way flask-limiter's own ``flask limiter limits`` does."""
    manager = limiter.limit_manager
    found = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith(API):
                defaults, decorated = manager.resolve_limits(app, rule.endpoint, "api")
                every = [*manager.application_limits, *defaults, *decorated]
                path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
                found[path] = {str(each.limit) for each in every}
    return found


def test_rate_limited_routes_document_their_429_and_their_limit(app, client):
    document = client.get(f"{API}/openapi.json").get_json()
    applied = limits_of(app)
    assert {path for path, limits in applied.items() if limits}, "no limits found: vacuous"
    for path, operations in document["paths"].items():
        operation = operations["get"]
        stated = {str(parse(operation["x-rate-limit"]))} if "x-rate-limit" in operation else set()
        assert stated == applied[path], path
        assert ("429" in operation["responses"]) == bool(applied[path]), path


def test_the_429_answer_is_the_error_object_with_the_limiter_headers(client):
    document = client.get(f"{API}/openapi.json").get_json()
    limited = [operations["get"]["responses"]["429"]
               for operations in document["paths"].values()
               if "429" in operations["get"]["responses"]]
    assert limited
    for answer in limited:
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
        assert {name for name, header in answer["headers"].items() if header["required"]} == {
            "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


def untyped(schema, where: str = "") -> list[str]:
    """Where an object schema says nothing of what it holds: no properties, no typed
    additionalProperties, no $ref."""
    found = []
    if isinstance(schema, dict):
        typed = schema.get("properties") or isinstance(schema.get("additionalProperties"),
                                                        dict)
        if schema.get("type") == "object" and not typed:
            found.append(where)
        for key, value in schema.items():
            found += untyped(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for number, value in enumerate(schema):
            found += untyped(value, f"{where}/{number}")
    return found


def test_no_schema_is_an_untyped_object(client):
    document = client.get(f"{API}/openapi.json").get_json()
    schemas = dict(document["components"]["schemas"])
    # The document's own schema stops at its top level: below it is the OpenAPI 3.0 schema's
    # domain, which test_the_document_is_valid_openapi applies.
    own = schemas.pop("OpenAPIDocument")
    assert untyped({"filters": {"type": "object"}}) == ["/filters"]  # the check can fail
    assert own["required"] == ["openapi", "info", "servers", "paths", "components"]
    assert untyped(schemas) == []
    assert untyped(document["paths"]) == []


def test_certificate_revocation_and_filters_are_typed_with_dates(client):
    schemas = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]
    date = {"type": "string", "format": "date"}
    for name, dates in (("Certificate", ["issued_on"]), ("Revocation", ["date"]),
                        ("Filters", ["from", "to"])):
        schema = schemas[name]
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) <= set(schema["properties"])
        assert all("type" in each for each in schema["properties"].values()), name
        for field in dates:
            assert {key: schema["properties"][field][key] for key in date} == date
    assert set(schemas["Certificate"]["required"]) == set(schemas["Certificate"]["properties"])
    assert schemas["Revocation"]["required"] == ["date", "date_display", "reason"]
    assert schemas["Filters"]["required"] == ["scheme"]
