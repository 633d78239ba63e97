"""The OpenAPI document describes exactly the /api/v1 routes, and is valid OpenAPI."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

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
