"""GET /healthz reports whether the database answers."""

from __future__ import annotations

import pytest

from tests.postgres import _free_port


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_503_when_the_database_is_unreachable(app_for, caplog):
    # Nothing listens on this port: the database is down.
    url = f"postgresql://nobody@127.0.0.1:{_free_port()}/onetouch?connect_timeout=2"
    response = app_for(url).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    assert "database unreachable" in caplog.text


@pytest.mark.postgres
def test_healthz_ok_on_postgresql(app_for, postgres_url):
    response = app_for(postgres_url).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
