"""Two application servers on one PostgreSQL database, as several nodes behind a load
balancer: a learner moves between them, a sync on one reaches the other's page cache, and
both sign with the keys of the configuration."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from onetouch.extensions import db
from onetouch.learning.models import ModuleProgress
from tests.fixtures.courses import edit
from tests.fixtures.users import PASSWORD
from tests.live import PROJECT_ROOT, Browser, gunicorn, server_env

pytestmark = [pytest.mark.slow, pytest.mark.engines("postgresql")]

COURSE = "/courses/mau-khoa-hoc"
LESSON = f"{COURSE}/gioi-thieu"
CHECK_SECONDS = 1


def node_env(database_url: str, instance) -> dict:
    """A node: its own instance folder (nothing in it is shared); the database, the keys and
    the public address from its environment, the same on every node."""
    return server_env(database_url, instance) | {
        "ONETOUCH_PUBLIC_URL": "http://onetouch.test",  # http: the test's browser speaks it
        "ONETOUCH_PAGE_CACHE_CHECK_SECONDS": str(CHECK_SECONDS)}


@pytest.fixture
def nodes(database_url, synced_library, tmp_path):
    with gunicorn(node_env(database_url, tmp_path / "a")) as a, \
            gunicorn(node_env(database_url, tmp_path / "b")) as b:
        yield a, b


def test_a_learner_logs_in_on_one_node_and_continues_on_the_other(app, nodes, make_user):
    make_user()
    a, b = nodes
    browser = Browser(a)
    browser.login("0912000001", PASSWORD)
    token = browser.csrf(COURSE)
    assert browser.request(f"{COURSE}/enrol", {"csrf_token": token})[0] == 302
    browser.base = b  # the load balancer sends the next requests elsewhere
    status, page = browser.request("/my/learning")
    assert status == 200
    assert "Khóa học mẫu về dịch vụ công" in page
    practice = f"{COURSE}/thuc-hanh"  # a lesson without a quiz: read is done
    status, _ = browser.request(f"{practice}/done", {"csrf_token": browser.csrf(practice)})
    assert status == 302
    browser.base = a
    assert browser.request("/my/learning")[0] == 200
    with app.app_context():
        done = db.session.scalars(select(ModuleProgress)).all()
        assert [each.completed_at is not None for each in done] == [True]


def test_both_nodes_publish_the_configured_signing_key(nodes):
    a, b = nodes
    keys = [Browser(base).request("/credentials/issuer")[1] for base in (a, b)]
    assert '"publicKeyMultibase"' in keys[0]
    assert keys[0] == keys[1]


def test_a_sync_on_one_node_reaches_the_page_cache_of_the_other(nodes, library, tmp_path,
                                                                  database_url):
    a, b = nodes
    visitor = Browser(b)
    assert "mà không phải đến cơ quan" in visitor.request(LESSON)[1]
    assert "mà không phải đến cơ quan" in visitor.request(LESSON)[1]  # now from B's cache
    edit(library / "mau-khoa-hoc" / "01-gioi-thieu.md", "mà không phải đến cơ quan",
         "mà không cần đến trụ sở cơ quan")
    synced = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "onetouch", "courses", "sync", str(library)],
        env=node_env(database_url, tmp_path / "a"), cwd=PROJECT_ROOT, capture_output=True,
        text=True, timeout=60)
    assert synced.returncode == 0, synced.stderr
    started = time.monotonic()
    while "mà không cần đến trụ sở" not in visitor.request(LESSON)[1]:
        assert time.monotonic() - started < CHECK_SECONDS + 1, "B still serves the old page"
        time.sleep(0.05)
