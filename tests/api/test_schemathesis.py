"""Schemathesis, a tool this project did not write, reads the OpenAPI document the app serves
and sends every operation what the document allows (it must be accepted and answered as
described) and what it does not (it must be refused with a 4xx): no server error and no
departure from the document. Bounded: a few dozen generated cases an operation, plus the
boundary cases of its coverage phase (limits, empty and missing values, wrong types, methods
the path does not take). The requests carry a ministry admin's session, so that the
communes of a province are answered too; test_answers.py covers the visitor's 401.
"""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.engine import Status, events

from tests.fixtures.users import PASSWORD, phone_of

EXAMPLES = 25


@pytest.fixture
def served(app_for, database_url, synced_library, make_user, factories):
    """The app as gunicorn runs it (an error is a 500 answer, not an exception), with a
    certificate for the verification route to find."""
    factories.issue_certificate(make_user())
    return app_for(database_url, PROPAGATE_EXCEPTIONS=False)


@pytest.fixture
def admin_cookie(served, make_user) -> str:
    client = served.test_client()
    user = make_user(role="ministry_admin")
    response = client.post("/login", data={"identifier": phone_of(served, user),
                                           "password": PASSWORD})
    assert response.status_code == 302
    return f"session={client.get_cookie('session').value}"


@pytest.fixture
def api_document(served, admin_cookie):
    """The document, read from the app; every request Schemathesis sends carries the admin's
    session (set in the WSGI environment: Werkzeug's client keeps cookies in a jar of its own)."""

    def as_admin(environ, start_response):
        return served(dict(environ, HTTP_COOKIE=admin_cookie), start_response)

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", as_admin)


def run(document) -> tuple[list[str], int]:
    """Schemathesis's own engine, as its command line runs it; the failures it found (check,
    operation, request and answer) and how many requests it made."""
    failures, requests = [], 0
    for event in engine.from_schema(document).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            requests += len(recorder.interactions)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status is not Status.SUCCESS:
                        failures.append(_describe(recorder, case_id, check))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"error: {event.info.format() if hasattr(event, 'info') else event}")
    return failures, requests


def _describe(recorder, case_id: str, check) -> str:
    interaction = recorder.interactions.get(case_id)
    request = interaction.request if interaction else None
    response = interaction.response if interaction else None
    failure = check.failure_info.failure.title if check.failure_info else check.status
    answer = f"{response.status_code} {response.content[:200]!r}" if response else "no answer"
    where = f"{request.method} {request.uri}" if request else recorder.label
    return f"{check.name}: {failure} | {where} -> {answer}"


def test_the_api_answers_as_its_document_says(api_document):
    api_document.config.update(continue_on_failure=True)
    api_document.config.generation.update(max_examples=EXAMPLES, deterministic=True,
                                          database="none")
    api_document.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    failures, requests = run(api_document)
    assert requests > 100, "Schemathesis sent too little to prove anything"
    assert not failures, "\n".join(failures)
