"""The site as `make run` serves it: gunicorn with gunicorn.conf.py, over loopback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.postgres import _free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def server(template_db, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copyfile(template_db, instance / "onetouch.sqlite3")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONETOUCH_")}
    env.pop("DATABASE_URL", None)
    env.update(ONETOUCH_INSTANCE_PATH=str(instance), WEB_CONCURRENCY="2")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)


def test_gunicorn_serves_health_and_home(server):
    status, body = _get(server + "/healthz")
    assert status == 200
    assert '"database":"ok"' in body.replace(" ", "")
    status, body = _get(server + "/")
    assert status == 200
    assert "OneTouch" in body


def test_gunicorn_refuses_a_bad_configuration_in_one_sentence(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONETOUCH_")}
    env.update(ONETOUCH_INSTANCE_PATH=str(tmp_path / "i"), DATABASE_URL="mysql://u@h/d")
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{_free_port()}", "wsgi:app"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "OneTouch cannot start: DATABASE_URL uses the scheme 'mysql'" in result.stderr
    assert "Traceback" not in result.stderr
