"""Certificates tests publish under http://localhost, the test client's address: documents
signed outside a request (status lists, on issue and by the CLI) name the same origin as
the credentials that the test client downloads, as PUBLIC_URL makes them do in production."""

import pytest

PUBLIC_URL = "http://localhost"


@pytest.fixture(autouse=True)
def public_url(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["PUBLIC_URL"] = PUBLIC_URL
