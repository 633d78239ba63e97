"""Real outages and recoveries, all in one app that is never rebuilt: a PostgreSQL server
killed and started again, a read-only PostgreSQL database, and a SQLite database on a
read-only mount and on a full disk.

The SQLite tests mount file systems, so they need root (CI runs as root); elsewhere, or where
mounting is not allowed (a container without the capability), they are skipped.
"""

from __future__ import annotations

import errno
import itertools
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade

from onetouch.extensions import db
from onetouch.geo.services import load_units
from tests.fixtures.users import PASSWORD, first_commune
from tests.postgres import running_server

OUTAGE_TEXT = "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau ít phút."
_phones = itertools.count(1)


def health(client) -> tuple[int, str]:
    response = client.get("/healthz")
    return response.status_code, response.get_json()["database"]


def registration(app) -> dict:
    with app.app_context():
        commune = first_commune("01")
    return {"full_name": "Trần Văn Bình", "phone": f"0987{next(_phones):06d}", "email": "",
            "province_code": "01", "commune_code": commune, "audience": "citizen",
            "position": "", "password": PASSWORD, "confirm": PASSWORD, "consent": "y"}


def assert_outage_page(response) -> None:
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    html = response.get_data(as_text=True)
    assert OUTAGE_TEXT in html
    assert '<html lang="vi">' in html


def migrate(app) -> None:
    with app.app_context():
        upgrade()
        load_units(db.session)
        db.session.commit()


def close_connections(app) -> None:
    with app.app_context():
        db.engine.dispose()


# PostgreSQL -------------------------------------------------------------------------------

@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test's own, since the test kills it."""
    with running_server() as server:
        yield server


@pytest.mark.slow  # a PostgreSQL server of its own, killed and started again
@pytest.mark.postgres
def test_postgresql_killed_then_started_again(own_postgres, app_for):
    app = app_for(own_postgres.url(), PROPAGATE_EXCEPTIONS=False)
    migrate(app)
    client = app.test_client()
    assert client.post("/register", data=registration(app)).status_code == 302  # logged in
    assert "Trần Văn Bình" in client.get("/my/learning").get_data(as_text=True)

    # The throwaway server commits asynchronously, and a crash may lose such commits: flush
    # them, so that the learner still exists after the restart.
    with psycopg.connect(own_postgres.url(), autocommit=True) as admin:
        admin.execute("CHECKPOINT")
    own_postgres.halt()
    assert_outage_page(client.get("/my/learning"))
    assert health(client) == (503, "unreachable")

    own_postgres.resume()
    response = client.get("/my/learning")
    assert response.status_code == 200
    assert "Trần Văn Bình" in response.get_data(as_text=True)
    assert health(client) == (200, "ok")


@pytest.mark.postgres
def test_postgresql_read_only_then_writable_again(postgres_server, postgres_url, app_for):
    app = app_for(postgres_url, PROPAGATE_EXCEPTIONS=False)
    migrate(app)
    client = app.test_client()
    name = postgres_url.rsplit("/", 1)[1]

    def read_only(on: bool) -> None:
        with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = '
                          f'{"on" if on else "off"}')

    read_only(True)
    close_connections(app)  # the setting applies to sessions opened from now on
    assert health(client) == (503, "read-only")
    assert_outage_page(client.post("/register", data=registration(app)))
    # The sessions opened meanwhile stay read-only; the refused write made the pool drop them.
    read_only(False)
    assert health(client) == (200, "ok")
    assert client.post("/register", data=registration(app)).status_code == 302


# SQLite on a mount ------------------------------------------------------------------------

def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


@pytest.fixture
def mount():
    """Mount for the test; everything it mounted is unmounted afterwards, even on failure."""
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    if shutil.which("mount") is None:
        pytest.skip("the mount command is not installed")
    mounted: list[Path] = []

    def do(*args: str, target: Path) -> None:
        result = _mount(*args, str(target))
        if result.returncode != 0:
            pytest.skip(f"mount is not permitted here: {result.stderr.strip()}")
        mounted.append(target)

    yield do
    for target in reversed(mounted):
        # Lazily if busy: a mount must never outlive the test, whatever went wrong.
        if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], check=True)


def remount(target: Path, mode: str) -> None:
    result = _mount("-o", f"remount,{mode},bind", str(target))
    assert result.returncode == 0, result.stderr


@pytest.fixture
def bound(template_db, tmp_path, mount):
    """A copy of the test database in a folder, served through a bind mount of it."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(template_db, folder / "onetouch.sqlite3")
    served = tmp_path / "served"
    served.mkdir()
    mount("--bind", str(folder), target=served)
    return folder, served


@pytest.mark.parametrize("other_process", [False, True], ids=["alone", "wal-kept-open"])
def test_sqlite_read_only_then_writable_again(bound, app_for, other_process):
    folder, served = bound
    app = app_for(f"sqlite:///{served / 'onetouch.sqlite3'}", PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    refused, accepted = registration(app), registration(app)
    assert health(client) == (200, "ok")
    close_connections(app)  # a mount with files open for writing cannot become read-only
    # Alone, SQLite cannot even read a WAL database on a read-only mount. With another process
    # holding it open (a worker, the CLI), it opens the file read-only, silently: such
    # connections must not stay in the pool once the mount is writable again.
    keeper = sqlite3.connect(folder / "onetouch.sqlite3")
    try:
        if other_process:
            keeper.execute("SELECT count(*) FROM alembic_version").fetchall()
        remount(served, "ro")
        assert health(client) == (503, "read-only")
        assert_outage_page(client.post("/register", data=refused))
        assert client.get("/courses").status_code == (200 if other_process else 503)

        remount(served, "rw")
        assert health(client) == (200, "ok")
        assert client.post("/register", data=accepted).status_code == 302
        assert client.get("/my/learning").status_code == 200
    finally:
        keeper.close()


def fill(folder: Path) -> Path:
    """Write a file until the file system has no byte left."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (1 << 20, 4096, 1):
            while _written(handle, size):
                pass
    return filler


def _written(handle, size: int) -> bool:
    """Write ``size`` bytes; False when the file system has no room for them."""
    try:
        handle.write(b"\0" * size)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        return False
    return True


def test_sqlite_on_a_full_disk_then_freed(template_db, tmp_path, mount, app_for):
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=8m", "onetouch-test", target=disk)
    shutil.copyfile(template_db, disk / "onetouch.sqlite3")
    app = app_for(f"sqlite:///{disk / 'onetouch.sqlite3'}", PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    assert health(client) == (200, "ok")

    filler = fill(disk)
    assert health(client) == (503, "full")
    assert_outage_page(client.post("/register", data=registration(app)))
    assert client.get("/courses").status_code == 200  # reading needs no space

    filler.unlink()
    assert health(client) == (200, "ok")
    assert client.post("/register", data=registration(app)).status_code == 302
    assert client.get("/my/learning").status_code == 200
