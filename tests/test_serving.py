"""Serving as `make run` does (nginx in front of gunicorn) and through the shipped
deploy/nginx.conf: slow clients, compression, static files and course assets."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deploy.local_nginx import brotli_available, find_nginx
from onetouch.core.security import CONTENT_SECURITY_POLICY
from tests.live import PROJECT_ROOT, clean_env, gunicorn, server_env
from tests.nginx import running_proxy

pytestmark = pytest.mark.slow  # gunicorn and nginx in processes of their own

STATIC = Path(__file__).resolve().parent.parent / "onetouch" / "static"
SLOW_CLIENTS = 50
DRIP_SECONDS = 3.0


class SlowClients:
    """Connections that send a request's headers a byte at a time, for a few seconds: the
    way a phone on a poor line, or someone who means harm, holds a server's worker."""

    def __init__(self, base: str, count: int) -> None:
        host, port = urlsplit(base).hostname, urlsplit(base).port
        self.sockets = [socket.create_connection((host, port), timeout=10) for _ in range(count)]
        for each in self.sockets:
            each.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._drip)

    def _drip(self) -> None:
        deadline = time.monotonic() + DRIP_SECONDS
        while time.monotonic() < deadline:
            for each in self.sockets:
                each.sendall(b"X")
            time.sleep(0.25)
        for each in self.sockets:  # end the dripped header line and the request
            each.sendall(b"-Slow: 1\r\nConnection: close\r\n\r\n")
        self.done.set()

    def __enter__(self) -> SlowClients:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.thread.join()
        for each in self.sockets:
            each.close()

    def answers(self) -> list[bytes]:
        """The status line each slow client got once its request was whole."""
        self.thread.join()
        return [each.makefile("rb").readline().strip() for each in self.sockets]


def timed_get(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        response.read()
        assert response.status == 200
    return time.monotonic() - started


def test_fifty_slow_clients_do_not_hold_the_make_run_server(database_url, tmp_path):
    env = server_env(database_url, tmp_path / "instance")
    with gunicorn(env, workers=2, proxy=True) as base, SlowClients(base, SLOW_CLIENTS) as slow:
        times = []
        while not slow.done.is_set():
            times.append(timed_get(base + "/"))
            time.sleep(0.2)
        answers = slow.answers()
    assert len(times) >= 5
    assert max(times) < 1.0, times
    # They were held open, not dropped, the whole time, and served once they finished.
    assert answers == [b"HTTP/1.1 200 OK"] * SLOW_CLIENTS


def test_a_port_taken_by_another_program_stops_make_run_in_one_sentence(tmp_path):
    if find_nginx() is None:
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx package)")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        listen = f"127.0.0.1:{taken.getsockname()[1]}"
        env = clean_env(ONETOUCH_INSTANCE_PATH=str(tmp_path / "instance"), ONETOUCH_BIND=listen,
                        ONETOUCH_PUBLIC_URL=f"http://{listen}", ONETOUCH_PROXY="nginx",
                        WEB_CONCURRENCY="1")
        result = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"OneTouch cannot start: nginx stopped at start: bind() to {listen} failed "
        "(98: Address already in use)")


def fetch(url: str, encoding: str) -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        names = {name.lower() for name in response.headers}
        return ({name: ", ".join(response.headers.get_all(name)) for name in names},
                response.read())


@pytest.fixture
def proxied(database_url, synced_library, tmp_path):
    """gunicorn alone on a loopback port, and nginx on deploy/nginx.conf in front of it."""
    env = server_env(database_url, tmp_path / "instance") | {"ONETOUCH_PROXIES": "1"}
    with gunicorn(env, workers=1) as upstream, \
            running_proxy(tmp_path / "nginx", urlsplit(upstream).netloc) as base:
        yield base


@pytest.mark.parametrize("path", ["/", "/courses/mau-khoa-hoc/gioi-thieu",
                                  "/api/v1/openapi.json", "/static/css/site.css"])
def test_the_shipped_proxy_compresses_text(proxied, path):
    plain_headers, plain = fetch(proxied + path, "identity")
    headers, body = fetch(proxied + path, "gzip")
    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert len(body) < len(plain) / 2
    assert gzip.decompress(body) == plain or path == "/"  # the home page has a CSRF token


def test_the_shipped_proxy_prefers_brotli_where_its_module_is_installed(proxied):
    if not brotli_available():
        pytest.skip("Debian's libnginx-mod-http-brotli-filter is not installed")
    headers, body = fetch(proxied + "/", "gzip, br")
    assert headers["content-encoding"] == "br"
    assert len(body) < len(fetch(proxied + "/", "identity")[1]) / 2


def test_static_files_come_from_disk_with_their_cache_headers(proxied):
    headers, body = fetch(proxied + "/static/css/site.css", "identity")
    assert body == (STATIC / "css" / "site.css").read_bytes()
    assert headers["cache-control"] == "public, max-age=3600"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "etag" in headers
    assert "last-modified" in headers


def test_course_assets_are_kept_by_the_proxy(proxied):
    url = proxied + "/courses/mau-khoa-hoc/assets/images/so-do.svg"
    first, body = fetch(url, "gzip")
    again, _ = fetch(url, "gzip")
    assert (first["x-cache-status"], again["x-cache-status"]) == ("MISS", "HIT")
    assert first["content-encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"<svg")
    assert first["cache-control"] == "public, max-age=3600"
