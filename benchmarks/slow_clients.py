"""Slow clients against the ways OneTouch can be served on one machine.

N connections send a request's headers a byte at a time for ``--seconds``; meanwhile a
normal visitor asks for the home page every half second (10 s timeout), and the time of each
answer is recorded. Run for each serving mode, on one prepared SQLite instance, over loopback:

- ``sync``: gunicorn's sync workers alone (main's ``make run`` before nginx);
- ``gthread``: gunicorn's threaded workers (``--threads 4``), which wait for a connection's
  first byte in a poller but then read the request in a thread;
- ``gevent``: gunicorn's gevent workers, a greenlet per connection (needs gevent, which
  OneTouch does not install: ``--gevent-path`` names a folder where it is, e.g. from
  ``pip install --target``);
- ``nginx``: ``make run``: nginx on deploy/nginx.conf in front of the sync workers.

    python benchmarks/slow_clients.py [--clients 0 3 50] [--seconds 10] [--workers 5]
        [--modes sync gthread nginx] [--gevent-path DIR]

Writes benchmarks/results/slow_clients.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from memory import free_port, prepare, wait_until_up  # noqa: E402

TIMEOUT = 10


def drip(port: int, count: int, seconds: float, stop: threading.Event) -> None:
    connections = []
    for _ in range(count):
        each = socket.create_connection(("127.0.0.1", port), timeout=30)
        each.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        connections.append(each)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop.is_set():
        for each in connections:
            with contextlib.suppress(OSError):  # the server gave up on it: its defence
                each.sendall(b"X")
        time.sleep(0.5)
    for each in connections:
        each.close()


def visit(url: str, seconds: float) -> list[float | None]:
    """The time of each answer; None for one that did not come within TIMEOUT."""
    times: list[float | None] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(url, timeout=TIMEOUT).read()  # noqa: S310 (loopback)
            times.append(round(time.monotonic() - started, 3))
        except OSError:
            times.append(None)
        time.sleep(0.5)
    return times


def serve(mode: str, env: dict, workers: int, port: int, gevent_path: str | None):
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers",
               str(workers), "--access-logfile", "/dev/null", "wsgi:app"]
    settings = {"ONETOUCH_PROXY": "none"}
    if mode == "nginx":
        settings = {"ONETOUCH_PROXY": "nginx", "ONETOUCH_BIND": f"127.0.0.1:{port}"}
    else:
        command += ["--bind", f"127.0.0.1:{port}"]
    if mode == "gthread":
        command += ["--worker-class", "gthread", "--threads", "4"]
    if mode == "gevent":
        command += ["--worker-class", "gevent", "--worker-connections", "1000"]
        settings["PYTHONPATH"] = gevent_path
    return subprocess.Popen(command, cwd=ROOT, env={**env, **settings},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(mode: str, env: dict, args, clients: int) -> dict:
    port = free_port()
    server = serve(mode, env, args.workers, port, args.gevent_path)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        stop = threading.Event()
        slow = threading.Thread(target=drip, args=(port, clients, args.seconds, stop))
        slow.start()
        time.sleep(0.5)  # let every slow connection be accepted first
        times = visit(f"http://127.0.0.1:{port}/", args.seconds - 1)
        stop.set()
        slow.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
    answered = [each for each in times if each is not None]
    return {"mode": mode, "slow_clients": clients, "requests": len(times),
            "timed_out": len(times) - len(answered),
            "median_s": statistics.median(answered) if answered else None,
            "max_s": max(answered) if answered else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[0, 3, 50])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2 * os.cpu_count() + 1)
    parser.add_argument("--modes", nargs="+", default=["sync", "gthread", "nginx"])
    parser.add_argument("--gevent-path")
    parser.add_argument("--output", default="slow_clients.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="onetouch-slow-") as folder:
        env = prepare(Path(folder) / "instance", ROOT)
        env["ONETOUCH_RATELIMIT_ENABLED"] = "false"
        for mode in args.modes:
            for clients in args.clients:
                rows.append(run(mode, env, args, clients))
                print(json.dumps(rows[-1]), flush=True)
    result = {"command": " ".join(["python", "benchmarks/slow_clients.py", *sys.argv[1:]]),
              "date": datetime.datetime.now().isoformat(timespec="seconds"),
              "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                       capture_output=True, text=True).stdout.strip(),
              "seconds": args.seconds, "workers": args.workers, "timeout_s": TIMEOUT,
              "runs": rows, "load": os.getloadavg(),
              "machine": {"python": platform.python_version(), "cores": os.cpu_count()}}
    (ROOT / "benchmarks" / "results" / args.output).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
