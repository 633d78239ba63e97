"""A real gunicorn server for tests that need separate processes, and a browser-like client."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from deploy.local_nginx import find_nginx
from tests.fixtures.apps import TEST_SECRET, TEST_SIGNING_KEY
from tests.postgres import _free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONETOUCH_")}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def server_env(database_url: str, instance) -> dict:
    """The environment of a server on this database, with its own instance folder and the
    keys from the configuration (as every server on a shared database needs)."""
    return clean_env(ONETOUCH_INSTANCE_PATH=str(instance), DATABASE_URL=database_url,
                     ONETOUCH_SECRET_KEY=TEST_SECRET,
                     ONETOUCH_CREDENTIAL_SIGNING_KEY=TEST_SIGNING_KEY)


def _command(port: int, workers: int, proxy: bool) -> tuple[list[str], dict]:
    """gunicorn alone on the port, or as `make run` serves: nginx on the port, gunicorn on a
    socket in the instance folder (gunicorn.conf.py starts and stops nginx)."""
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers",
               str(workers), "--access-logfile", "/dev/null", "wsgi:app"]
    if proxy:
        if find_nginx() is None:
            pytest.skip("nginx is not installed (.ci/run installs Debian's nginx package)")
        return command, {"ONETOUCH_PROXY": "nginx", "ONETOUCH_BIND": f"127.0.0.1:{port}"}
    return [*command, "--bind", f"127.0.0.1:{port}"], {"ONETOUCH_PROXY": "none"}


@contextmanager
def gunicorn(env: dict, workers: int = 2, proxy: bool = False, log: Path | None = None):
    """Serve wsgi:app with gunicorn.conf.py on a free loopback port, behind nginx if
    ``proxy``; yields the base URL.

    :param log: a file that receives the server's log (its standard error), as the terminal
        of ``make run`` would.
    """
    port = _free_port()
    command, settings = _command(port, workers, proxy)
    base = f"http://127.0.0.1:{port}"
    # wsgi.py serves in production mode, which needs the public address: here, this server's.
    env = {"ONETOUCH_PUBLIC_URL": base, **env, **settings}
    with open(log, "w+b") if log else tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env,
                                   stdout=subprocess.DEVNULL, stderr=errors)
        try:
            wait_until_up(base, process, errors)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


def wait_until_up(base: str, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"the server stopped: {log.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {base}/healthz within 30 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies and CSRF tokens, like a browser with JavaScript off; redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def request_raw(self, path: str, body: bytes) -> int:
        """POST an already encoded form (repeated fields and all); the status only."""
        request = urllib.request.Request(self.base + path, data=body, headers={  # noqa: S310 (loopback)
            "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def csrf(self, path: str) -> str:
        _, html = self.request(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def login(self, identifier: str, password: str) -> None:
        token = self.csrf("/login")
        status, _ = self.request("/login", {"identifier": identifier, "password": password,
                                            "csrf_token": token})
        assert status == 302, status
