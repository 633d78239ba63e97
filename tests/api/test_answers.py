"""Real answers of every documented route, in every documented status, validated against the
app's own OpenAPI document by openapi-core, an implementation this project did not write.

Each test drives one route into each status its document lists (429 by spending the limit
the document states, 503 by failing every statement at the driver) and ends by checking that
it saw them all; ``test_every_documented_route_has_its_test`` checks that no route is left.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from limits import parse
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import InvalidData, MissingRequiredHeader
from sqlalchemy import event, select
from werkzeug.wrappers import Response

from onetouch.content.models import Course
from onetouch.extensions import db
from tests.fixtures.apps import watch_writes_in_safe_requests

API = "/api/v1"
TESTED: set[str] = set()


def route(path: str):
    """Marks the test that drives ``path`` through every answer it documents."""
    TESTED.add(path)
    return lambda test: test


@pytest.fixture
def served(app, app_for, database_url):
    """The app as gunicorn runs it (errors answered by the handlers, not raised to the test),
    with its rate limits on. Built after ``app``, whose fixtures make users and certificates:
    the limiter is one object for the process, and the app built last sets it up."""
    served = app_for(database_url, RATELIMIT_ENABLED=True, PROPAGATE_EXCEPTIONS=False)
    writes = watch_writes_in_safe_requests(served)
    yield served
    assert writes == [], "a GET request wrote to the database"


class Answers:
    """GET requests whose answers openapi-core validates against the document the app
    serves; remembers each (documented path, status) seen."""

    def __init__(self, app) -> None:
        self.app = app
        self.client = app.test_client()
        self.document = self.client.get(f"{API}/openapi.json").get_json()
        self.openapi = OpenAPI.from_dict(self.document)
        self.seen: set[tuple[str, str]] = set()

    def get(self, url: str, status: int, client=None):
        response = (client or self.client).get(url)
        assert response.status_code == status, response.get_data(as_text=True)[:300]
        self.openapi.validate_response(WerkzeugOpenAPIRequest(response.request),
                                       WerkzeugOpenAPIResponse(response))
        self.seen.add((self.path_of(response.request.path), str(status)))
        return response

    def path_of(self, path: str) -> str:
        rule, _ = self.app.url_map.bind("localhost").match(path, return_rule=True)
        return rule.rule.replace("<", "{").replace(">", "}")

    def operation(self, path: str) -> dict:
        return self.document["paths"][path]["get"]

    def exhaust(self, url: str) -> None:
        """Spend the limit the document states for this route; the next answer is a 429."""
        limit = parse(self.operation(self.path_of(url))["x-rate-limit"])
        for _ in range(limit.amount):
            self.client.get(url)
        response = self.get(url, 429)
        assert response.get_json()["error"]["code"] == 429
        assert int(response.headers["Retry-After"]) <= limit.get_expiry()
        assert response.headers["X-RateLimit-Remaining"] == "0"

    def outage(self, url: str, client=None) -> None:
        """The answer when every statement fails at the driver, as on a lost database."""
        with failing(self.app):
            self.get(url, 503, client)

    def saw_every_answer_of(self, path: str) -> None:
        assert self.seen == {(path, status) for status in self.operation(path)["responses"]}


@contextmanager
def failing(app):
    def fail(connection, *_):
        raise connection.dialect.loaded_dbapi.OperationalError("disk I/O error")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def test_every_documented_route_has_its_test(client):
    assert set(client.get(f"{API}/openapi.json").get_json()["paths"]) == TESTED


@route(f"{API}/stats/provinces")
def test_province_figures(app, served, synced_library):
    with app.app_context():
        course = db.session.scalar(select(Course.id).limit(1))
    answers = Answers(served)
    answers.get(f"{API}/stats/provinces", 200)
    filtered = answers.get(f"{API}/stats/provinces?scheme=legacy&audience=citizen&course="
                           f"{course}&from=2026-01-01&to=2026-12-31", 200).get_json()
    assert filtered["filters"] == {"scheme": "legacy", "audience": "citizen", "course": course,
                                   "from": "2026-01-01", "to": "2026-12-31"}
    assert len(filtered["provinces"]) == 63
    answers.get(f"{API}/stats/provinces?scheme=1990", 400)
    answers.outage(f"{API}/stats/provinces")
    answers.exhaust(f"{API}/stats/provinces")
    answers.saw_every_answer_of(f"{API}/stats/provinces")


@route(f"{API}/stats/provinces/{{code}}/communes")
def test_commune_figures(served, make_user, login):
    answers = Answers(served)
    admin = login(served.test_client(), make_user(role="province_admin", role_province="01"))
    other = login(served.test_client(), make_user(role="province_admin", role_province="79"))
    url = f"{API}/stats/provinces/01/communes"
    assert answers.get(url, 200, admin).get_json()["communes"]
    answers.get(f"{url}?audience=farmers", 400, admin)
    answers.get(url, 401)
    answers.get(url, 403, other)
    answers.get(f"{API}/stats/provinces/99/communes", 404, admin)
    answers.outage(url, admin)
    answers.saw_every_answer_of(f"{API}/stats/provinces/{{code}}/communes")


@route(f"{API}/stats/timeseries")
def test_weekly_figures(served, factories, make_user, synced_library):
    factories.enrol(make_user())  # a registration and an enrolment: at least one week
    answers = Answers(served)
    national = answers.get(f"{API}/stats/timeseries", 200).get_json()
    assert national["province"] is None
    assert national["weeks"]
    assert answers.get(f"{API}/stats/timeseries?province=01&from=2026-01-01", 200) \
        .get_json()["province"] == "01"
    answers.get(f"{API}/stats/timeseries?province=1", 400)
    answers.get(f"{API}/stats/timeseries?province=99", 404)
    answers.outage(f"{API}/stats/timeseries")
    answers.exhaust(f"{API}/stats/timeseries")
    answers.saw_every_answer_of(f"{API}/stats/timeseries")


@route(f"{API}/certificates/{{token}}")
def test_certificate_verification(served, certified, factories, make_user):
    _, certificate = certified
    answers = Answers(served)
    url = f"{API}/certificates/{certificate.token}"
    assert answers.get(url, 200).get_json()["status"] == "valid"
    factories.revoke_certificate(certificate.id, make_user(role="ministry_admin"))
    assert answers.get(url, 200).get_json()["status"] == "revoked"
    for token in ("B" * 32, "not a token"):
        assert answers.get(f"{API}/certificates/{token}", 404).get_json() == {
            "status": "not_found"}
    answers.outage(url)
    answers.exhaust(url)
    answers.saw_every_answer_of(f"{API}/certificates/{{token}}")


@route(f"{API}/provinces/{{code}}/communes")
def test_communes_of_a_province(served):
    answers = Answers(served)
    assert answers.get(f"{API}/provinces/01/communes", 200).get_json()["communes"]
    assert answers.get(f"{API}/provinces/99/communes", 404).get_json()["communes"] == []
    answers.outage(f"{API}/provinces/01/communes")
    answers.saw_every_answer_of(f"{API}/provinces/{{code}}/communes")


@route(f"{API}/openapi.json")
def test_the_document_itself(served):
    answers = Answers(served)
    assert answers.get(f"{API}/openapi.json", 200).get_json() == answers.document
    answers.saw_every_answer_of(f"{API}/openapi.json")


def _crafted(answers: Answers, url: str, body: dict, status: int, headers: dict):
    """A made-up answer to a real request to ``url``: what the validator is shown instead."""
    real = answers.client.get(url)
    return (WerkzeugOpenAPIRequest(real.request),
            WerkzeugOpenAPIResponse(Response(json.dumps(body), status=status, headers=headers,
                                             mimetype="application/json")))


def test_the_validator_refuses_what_the_document_does_not_say(served, certified):
    """Proof that the checks above can fail: answers a little off the document are refused."""
    _, certificate = certified
    answers = Answers(served)
    url = f"{API}/certificates/{certificate.token}"
    body = answers.client.get(url).get_json()
    limited = {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0",
               "X-RateLimit-Reset": "1796106195"}
    wrong = [
        ({**body, "certificate": {**body["certificate"], "issued_on": "01/12/2026"}}, 200, {},
         InvalidData),
        ({**body, "certificate": {**body["certificate"], "email": "lan@example.org"}}, 200, {},
         InvalidData),
        ({**body, "revocation": {"date": "2026-12-01", "date_display": "01/12/2026",
                                 "reason": "x"}}, 200, {}, InvalidData),  # valid yet revoked
        ({"error": {"code": 429, "message": "slow down"}}, 429, limited, MissingRequiredHeader),
        ({"error": {"code": 429}}, 429, {**limited, "Retry-After": "60"}, InvalidData),
        ({"status": "not_found"}, 410, {}, ResponseNotFound),
    ]
    for changed, status, headers, error in wrong:
        with pytest.raises(error):
            answers.openapi.validate_response(*_crafted(answers, url, changed, status, headers))
    answers.openapi.validate_response(*_crafted(answers, url, body, 200, {}))  # as it was
