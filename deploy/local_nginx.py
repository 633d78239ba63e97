"""nginx in front of gunicorn for ``make run``: the production configuration
(``deploy/nginx.conf``) with this checkout's values, started when gunicorn is ready and stopped
when it exits (the hooks in ``gunicorn.conf.py``). Every file nginx needs lives in
``<instance>/nginx/``; the tests start nginx on the shipped file through the same functions.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SITE = Path(__file__).with_name("nginx.conf")
PROJECT = Path(__file__).resolve().parent.parent
STATIC = PROJECT / "onetouch" / "static"
MODULES = Path("/usr/lib/nginx/modules")  # Debian's
BROTLI = "ngx_http_brotli_filter_module.so"
MIME_TYPES = Path("/etc/nginx/mime.types")
# The production values in deploy/nginx.conf, each on one line marked "site:".
SITE_VALUES = {
    "listen": "listen 80;",
    "upstream": "unix:/run/onetouch/gunicorn.sock",
    "cache": "/var/cache/nginx/onetouch",
    "static": "/srv/onetouch/onetouch/static/",
}


class ProxyError(RuntimeError):
    """nginx could not serve; the message says why in one sentence."""


def find_nginx() -> str | None:
    """The nginx binary (Debian puts it in /usr/sbin, which a user's PATH may lack)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    return found


def brotli_available() -> bool:
    return (MODULES / BROTLI).is_file()


def site(listen: str, upstream: str, cache: Path, static: Path = STATIC,
         brotli: bool | None = None) -> str:
    """deploy/nginx.conf with these values in place of its production ones.

    :param upstream: gunicorn's address as nginx writes it: ``unix:/path`` or ``host:port``.
    """
    values = {"listen": f"listen {listen};", "upstream": upstream, "cache": str(cache),
              "static": f"{static}/"}
    lines = SITE.read_text(encoding="utf-8").splitlines()
    for name, production in SITE_VALUES.items():
        marked = [n for n, line in enumerate(lines) if "site:" in line and production in line]
        if len(marked) != 1:
            raise ProxyError(f"deploy/nginx.conf has no single line marked 'site:' with "
                             f"{production!r}")
        lines[marked[0]] = lines[marked[0]].replace(production, values[name])
    if not (brotli_available() if brotli is None else brotli):
        lines = [line for line in lines if not line.strip().startswith("brotli")]
    return "\n".join(lines) + "\n"


def _worker_user(folder: Path) -> str:
    """As root, nginx's workers would run as nobody, who may not reach the instance folder
    (pytest's are private to their owner): they run as the folder's owner instead."""
    if os.geteuid() != 0:
        return ""
    info = folder.stat()
    return f"user {pwd.getpwuid(info.st_uid).pw_name} {grp.getgrgid(info.st_gid).gr_name};\n"


def main_config(folder: Path, listen: str, upstream: str, brotli: bool | None = None) -> str:
    """A whole nginx configuration that keeps every file in ``folder``."""
    use_brotli = brotli_available() if brotli is None else brotli
    temporary = "".join(f"    {kind}_temp_path {folder / kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        "# Written by deploy/local_nginx.py from deploy/nginx.conf; edit that file instead.\n"
        + (f"load_module {MODULES / BROTLI};\n" if use_brotli else "")
        + _worker_user(folder)
        + f"worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        + f"error_log {folder / 'error.log'} warn;\n"
        + "events {\n    worker_connections 1024;\n}\n"
        + "http {\n"
        + f"    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
        + "    access_log off;\n    server_tokens off;\n" + temporary
        + site(listen, upstream, folder / "cache", brotli=use_brotli)
        + "}\n")


def _address(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    if not port.isdigit() or listen.startswith("unix:"):
        raise ProxyError(f"nginx listens on host:port, not {listen!r}; set ONETOUCH_BIND so")
    host = host.strip("[]") or "127.0.0.1"
    return ("127.0.0.1" if host in ("0.0.0.0", "*") else host), int(port)  # noqa: S104


class LocalNginx:
    """nginx listening on ``listen`` and passing requests to gunicorn at ``upstream``."""

    def __init__(self, binary: str, folder: Path, listen: str, upstream: str) -> None:
        self.binary, self.folder, self.listen, self.upstream = binary, folder, listen, upstream
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        config = self.folder / "nginx.conf"
        config.write_text(main_config(self.folder, self.listen, self.upstream))
        (self.folder / "nginx.pid").unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.folder), "-e", str(self.folder / "error.log"),
             "-c", str(config), "-g", "daemon off;"], stdin=subprocess.DEVNULL)
        self._wait_until_listening(timeout)

    def _wait_until_listening(self, timeout: float) -> None:
        """nginx writes its pid file once it holds its port (someone else listening there
        would answer a connection too)."""
        address, pid_file = _address(self.listen), self.folder / "nginx.pid"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ProxyError(f"nginx stopped at start: {self._last_error()}")
            if pid_file.exists() and pid_file.read_text().strip() == str(self.process.pid):
                try:
                    socket.create_connection(address, timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise ProxyError(f"nginx did not listen on {self.listen} within {timeout:g} s")

    def _last_error(self) -> str:
        log = self.folder / "error.log"
        lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
        # After a failed bind nginx retries, then ends with "still could not bind()": the
        # line before says which address and why.
        telling = [line for line in lines if not line.endswith("still could not bind()")]
        if not telling:
            return "no message (see its error log)"
        return re.sub(r"^.*?\[\w+\] \d+#\d+: (\*\d+ )?", "", telling[-1])

    def stop(self) -> None:
        """Finish the requests in progress (SIGQUIT), then stop; at once after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
