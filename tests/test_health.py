"""GET /healthz reports whether the database can do what the application needs: answer,
and take writes (not read-only, not full)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import event

from onetouch.core import health
from onetouch.extensions import db
from tests.postgres import _free_port


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Retry-After" not in response.headers


def database_files(engine) -> dict[str, str]:
    """Digests of the SQLite database and its write-ahead log (nothing on PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return {}
    main = Path(engine.url.database)
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in (main, main.with_name(main.name + "-wal")) if path.exists()}


def test_healthz_writes_nothing(app, client):
    statements, commits = [], []
    with app.app_context():
        engine = db.engine
    assert client.get("/healthz").status_code == 200  # opens the connection, the WAL
    before = database_files(engine)
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cu, statement, *_: statements.append(statement))
    event.listen(engine, "commit", lambda _connection: commits.append(True))
    assert client.get("/healthz").status_code == 200
    assert commits == []
    assert statements, "the health check asked the database nothing"
    assert not [s for s in statements if s.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert database_files(engine) == before


def test_healthz_503_when_the_database_is_unreachable(app_for, caplog):
    # Nothing listens on this port: the database is down.
    url = f"postgresql://nobody@127.0.0.1:{_free_port()}/onetouch?connect_timeout=2"
    response = app_for(url).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "database unavailable" in caplog.text


def test_healthz_503_when_the_disk_is_nearly_full(app, client, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the free space is looked at for SQLite only: a server has its own disk")
    real = os.statvfs

    def nearly_full(path):
        stats = real(path)
        return os.statvfs_result((*stats[:4], health.MIN_FREE_BYTES // stats.f_frsize - 1,
                                  *stats[5:]))

    monkeypatch.setattr(health.os, "statvfs", nearly_full)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "full"}
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.postgres
def test_healthz_ok_on_postgresql(app_for, postgres_url):
    response = app_for(postgres_url).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"
