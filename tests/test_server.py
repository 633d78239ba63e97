"""The site as `make run` serves it: gunicorn with gunicorn.conf.py, over loopback."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from onetouch.quizzes import fold
from tests.live import PROJECT_ROOT, Browser, clean_env, gunicorn, server_env
from tests.postgres import _free_port

pytestmark = pytest.mark.slow  # gunicorn, or the interpreter, in a process of its own


@pytest.fixture
def server(database_url, tmp_path):
    with gunicorn(server_env(database_url, tmp_path / "instance")) as base:
        yield base


def test_gunicorn_serves_health_and_home(server):
    browser = Browser(server)
    status, body = browser.request("/healthz")
    assert status == 200
    assert '"database":"ok"' in body.replace(" ", "")
    status, body = browser.request("/")
    assert status == 200
    assert "OneTouch" in body
    # Every answer names no server software and carries the security headers.
    for path in ("/", "/no/such/page"):
        try:
            response = urllib.request.urlopen(server + path, timeout=30)  # noqa: S310 (loopback)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            assert response.headers.get_all("Server") == ["OneTouch"], path
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_gunicorn_refuses_a_bad_configuration_in_one_sentence(tmp_path):
    env = clean_env(ONETOUCH_INSTANCE_PATH=str(tmp_path / "i"), DATABASE_URL="mysql://u@h/d")
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{_free_port()}", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "OneTouch cannot start: DATABASE_URL uses the scheme 'mysql'" in result.stderr
    assert "Traceback" not in result.stderr


def test_make_run_folds_queued_completions_beside_the_server(app, database_url, tmp_path,
                                                             factories, make_user,
                                                             synced_library):
    """With COMPLETIONS = "queued" the server starts the fold worker and stops it with itself:
    a course passed while it serves is completed and certified without anyone's command."""
    app.config["COMPLETIONS"] = "queued"
    enrolment_id = factories.complete_course(make_user())
    env = server_env(database_url, tmp_path / "instance") | {"ONETOUCH_COMPLETIONS": "queued"}
    with gunicorn(env):
        deadline = time.monotonic() + 30
        while _certificates(app, enrolment_id) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
    assert _certificates(app, enrolment_id) == 1
    with app.app_context():
        assert fold.pending(db.session) == 0


def _certificates(app, enrolment_id: int) -> int:
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(Certificate)
                                  .where(Certificate.enrolment_id == enrolment_id))
        db.session.rollback()  # the next look reads what the fold committed since
        return found
