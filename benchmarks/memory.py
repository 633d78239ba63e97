"""Memory of the default server: master + workers, after a warm-up mix of requests.

Serves a fresh SQLite instance with the course library through gunicorn.conf.py (the
``make run`` settings, without nginx, whose four processes hold some 5 MB), sends a mix of
what learners and visitors ask for, then reads each process's ``/proc/<pid>/smaps_rollup``.
PSS (proportional set size) counts a page shared by three processes as a third in each, so
the sum over the processes is the memory they hold together; RSS counts shared pages again
in every process.

    python benchmarks/memory.py [--workers 2] [--rounds 5] [--documents] [--repeat 3]
        [--baseline PATH] [--output FILE]

Each round logs the learner in again (a campaign day is log-ins as much as pages), then
sends the mix from two visitors at once, so that both workers serve. ``--documents`` adds the
learner's certificate as a PDF and a signed credential, and an XLSX export: the libraries
that load only when such a file is asked for. ``--baseline`` measures another checkout (an
earlier revision) in turn, each ``--repeat`` times on a fresh server, and the medians are
compared. Writes benchmarks/results/memory.json by default.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "Trau-Vang!Song-Hong-27"  # noqa: S105 (benchmarks/learner.py's throwaway learner)
COURSE = "ky-nang-so-co-ban"
PUBLIC = ["/", "/courses", "/courses?audience=citizen", "/search?q=dich+vu+cong",
          "/search?q=mat+khau", "/stats", "/stats?scheme=legacy", "/verify", "/login",
          "/register", "/api/v1/stats/provinces", "/api/v1/stats/timeseries",
          "/api/v1/openapi.json", "/api/v1/provinces/01/communes", "/healthz",
          "/certificates/revocations.json", "/credentials/issuer"]
FIELDS = ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, checkout: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                          cwd=checkout, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed in {checkout}:\n{done.stderr[-2000:]}")
    return done.stdout


def prepare(instance: Path, checkout: Path) -> dict:
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    for args in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        flask(env, checkout, *args)
    return env


def wait_until_up(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def rollup(pid: int) -> dict[str, int]:
    """The process's memory in kB, from the kernel's sum over its mappings."""
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    found = dict(re.findall(r"^(\w+):\s+(\d+) kB", text, re.MULTILINE))
    return {name: int(found[name]) for name in FIELDS}


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(each) for each in text.split()]


class Visitor:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode(errors="replace")

    def post(self, path: str, fields: dict) -> None:
        body = urllib.parse.urlencode(fields).encode()
        self.opener.open(self.base + path, data=body, timeout=60).read()

    def log_in(self, phone: str, password: str) -> None:
        form = self.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        self.post("/login", {"identifier": phone, "password": password, "csrf_token": token})


def lesson_paths(visitor: Visitor) -> list[str]:
    page = visitor.get(f"/courses/{COURSE}")
    return sorted(set(re.findall(rf'href="(/courses/{COURSE}/[\w-]+)"', page)))


def certify(phone: str) -> None:
    """Complete the learner's enrolment and issue its certificate, through the services;
    prints the certificate's number. Run in the served checkout's environment."""
    from sqlalchemy import select

    from onetouch import create_app
    from onetouch.accounts.models import User
    from onetouch.certificates.services import issue
    from onetouch.db import utcnow
    from onetouch.extensions import db
    from onetouch.learning.models import Enrolment

    with create_app().app_context():
        enrolment = db.session.scalar(select(Enrolment).join(User).where(User.phone == phone))
        enrolment.completed_at = utcnow()
        number = issue(db.session, enrolment).number
        db.session.commit()
    print(number)


def warm_up(base: str, phone: str, password: str, rounds: int, certificate: str | None) -> int:
    anonymous = Visitor(base)
    lessons = lesson_paths(anonymous)
    mine = ["/my/learning", f"/courses/{COURSE}", *lessons, "/my/certificates"]
    if certificate:
        mine += [f"/my/certificates/{certificate}/pdf",
                 f"/my/certificates/{certificate}/credential.json", "/stats/export.xlsx"]
    sent = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(rounds):
            learner = Visitor(base)
            learner.log_in(phone, password)
            jobs = [pool.submit(anonymous.get, path) for path in PUBLIC + lessons]
            jobs += [pool.submit(learner.get, path) for path in mine]
            for job in jobs:
                job.result()
            sent += len(jobs)
    return sent


def measure(workers: int, rounds: int, documents: bool, checkout: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="onetouch-memory-") as folder:
        env = prepare(Path(folder) / "instance", checkout)
        phone = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "learner.py"), "create",
                                COURSE], env={**env, "PYTHONPATH": str(checkout)}, cwd=checkout,
                               check=True, capture_output=True, text=True).stdout.strip()
        certificate = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "certify", phone],
            env={**env, "PYTHONPATH": str(checkout)}, cwd=checkout, check=True,
            capture_output=True, text=True).stdout.strip() if documents else None
        port = free_port()
        env = {**env, "ONETOUCH_PROXY": "none", "ONETOUCH_BIND": f"127.0.0.1:{port}",
               "ONETOUCH_PUBLIC_URL": f"http://127.0.0.1:{port}",  # wsgi.py needs it
               "WEB_CONCURRENCY": str(workers)}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/healthz")
            sent = warm_up(base, phone, PASSWORD, rounds, certificate)
            time.sleep(1)
            processes = {"master": rollup(server.pid)}
            for number, pid in enumerate(children(server.pid), 1):
                processes[f"worker {number}"] = rollup(pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = {name: sum(each[name] for each in processes.values()) for name in FIELDS}
    return {"workers": workers, "requests": sent, "log_ins": rounds, "documents": documents,
            "processes": processes, "total_kB": total,
            "total_pss_MB": round(total["Pss"] / 1024, 1),
            "total_rss_MB": round(total["Rss"] / 1024, 1)}


def main() -> None:
    if sys.argv[1:2] == ["certify"]:
        certify(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--documents", action="store_true")
    parser.add_argument("--output", default="memory.json")
    parser.add_argument("--repeat", type=int, default=3, help="fresh servers per checkout")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout (an earlier revision), measured in turn")
    args = parser.parse_args()
    checkouts = {"this": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    runs: dict[str, list] = {name: [] for name in checkouts}
    for _ in range(args.repeat):
        for name, checkout in checkouts.items():
            runs[name].append(measure(args.workers, args.rounds, args.documents, checkout))
            print(name, runs[name][-1]["total_pss_MB"], "MB PSS", flush=True)
    result = {
        "command": " ".join(["python", "benchmarks/memory.py", *sys.argv[1:]]),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commits": {name: _commit(checkout) for name, checkout in checkouts.items()},
        "median_pss_MB": {name: statistics.median(r["total_pss_MB"] for r in found)
                          for name, found in runs.items()},
        "median_rss_MB": {name: statistics.median(r["total_rss_MB"] for r in found)
                          for name, found in runs.items()},
        "runs": runs, "load": os.getloadavg(),
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({key: result[key] for key in ("commits", "median_pss_MB", "median_rss_MB")}))


def _commit(checkout: Path) -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout,
                          capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
