"""Lesson page throughput as a fraction of a bare Flask endpoint's, measured in one run.

Both apps run under gunicorn with the same settings; wrk loads them in alternating rounds
so that noise from this shared machine falls on both alike; the medians are compared.

    python benchmarks/lesson_page.py [--rounds 5] [--seconds 10] [--connections 16]
    python benchmarks/lesson_page.py --no-page-cache --output lesson_page_uncached.json
    python benchmarks/lesson_page.py --logged-in --output lesson_page_logged_in.json

``--logged-in`` adds a learner (``benchmarks/learner.py``: registered, enrolled in the lesson's
course, its first lesson done), logs them in through the form and loads, with their session
cookie, the lesson, the course page and "My learning", beside the anonymous lesson and the
bare endpoint; it also counts the SQL statements of each of the learner's pages. As a floor it
loads the language switch with the same cookie: Flask, the session and the request hooks,
with no query and no template.

Needs wrk (Debian: apt-get install wrk). Writes benchmarks/results/lesson_page.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
USER_AGENT = "onetouch-benchmark"  # as benchmarks/learner.py logs in with


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                   cwd=ROOT, check=True, capture_output=True)


def prepare(instance: Path, courses: Path) -> dict:
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(instance),
           "ONETOUCH_COURSES_PATH": str(courses)}
    env.pop("DATABASE_URL", None)
    for args in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        flask(env, *args)
    return env


def serve(app: str, port: int, env: dict, workers: int, cwd: Path = ROOT) -> subprocess.Popen:
    """``app`` under gunicorn with the project's settings, run from ``cwd`` (another checkout's
    folder serves that checkout: Python puts it first on the import path)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers",
         str(workers), "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app],
        cwd=cwd, env={"ONETOUCH_PUBLIC_URL": f"http://127.0.0.1:{port}", **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def wrk(url: str, seconds: int, connections: int, *options: str) -> dict:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                          *options, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return {"rps": rps, "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
            "p99_ms": float(p99.group(1)) * scale}


def lesson_url(env: dict, base: str) -> str:
    """The longest lesson in the synced library: the least flattering page to measure."""
    code = ("from onetouch import create_app;from onetouch.extensions import db;"
            "from onetouch.content.models import Course, Module;from sqlalchemy import select;"
            "app=create_app()\nwith app.app_context():\n r=db.session.execute(select(Course.slug,"
            "Module.slug).join(Module.course).order_by(Module.word_count.desc())).first()\n"
            " print(r[0]+'/'+r[1])")
    path = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    return f"{base}/courses/{path}"


def load_options(doc: str) -> argparse.ArgumentParser:
    """The options every load benchmark here shares: rounds, their length, the load, workers."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    return parser


def main() -> None:
    parser = load_options(__doc__)
    parser.add_argument("--courses", type=Path, default=ROOT / "courses")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="render every request (no page cache, no kept shells)")
    parser.add_argument("--logged-in", action="store_true",
                        help="also load a logged-in learner's lesson, course and My learning")
    parser.add_argument("--output", default="lesson_page.json")
    args = parser.parse_args()
    statements = {}
    load = {"before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as instance:
        env = prepare(Path(instance), args.courses)
        env["ONETOUCH_PAGE_CACHE"] = "false" if args.no_page_cache else "true"
        bare_env = {**env, "PYTHONPATH": str(ROOT / "benchmarks")}
        servers = [serve("wsgi:app", 8101, env, args.workers),
                   serve("bare_app:app", 8102, bare_env, args.workers)]
        try:
            targets = {"lesson": (lesson_url(env, "http://127.0.0.1:8101"), ()),
                       "bare": ("http://127.0.0.1:8102/", ())}
            if args.logged_in:
                targets, statements = add_learner(env, targets)
            runs = {name: [] for name in targets}
            for _ in range(args.rounds):
                for name, (url, headers) in targets.items():
                    runs[name].append(wrk(url, args.seconds, args.connections, *headers))
        finally:
            for server in servers:
                server.terminate()
                server.wait()
    load["after"] = os.getloadavg()
    report(args, {name: url for name, (url, _) in targets.items()}, runs, statements, load)


def learner(env: dict, *args: str) -> str:
    # The checkout's own onetouch, as gunicorn (run from ROOT) imports it.
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "learner.py"), *args],
                          env={**env, "PYTHONPATH": str(ROOT)}, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def log_in(base: str, phone: str) -> str:
    """Log in through the form as a browser would; the session cookie, as a Cookie header."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    browser.addheaders = [("User-Agent", USER_AGENT)]
    form = browser.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = {"identifier": phone, "password": "Trau-Vang!Song-Hong-27", "csrf_token": token}
    landed = browser.open(f"{base}/login", urllib.parse.urlencode(data).encode(), timeout=10)
    if not landed.url.endswith("/my/learning"):
        raise SystemExit("the benchmark learner could not log in")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def add_learner(env: dict, targets: dict) -> tuple[dict, dict]:
    """The learner's pages beside the anonymous lesson and the bare endpoint, and their
    statements per request."""
    lesson = targets["lesson"][0]
    base, path = lesson.split("/courses/", 1)
    course = f"{base}/courses/{path.split('/')[0]}"
    phone = learner(env, "create", path.split("/")[0])
    headers = ("-H", f"Cookie: {log_in(base, phone)}", "-H", f"User-Agent: {USER_AGENT}")
    mine = {"lesson_learner": lesson, "course_learner": course,
            "my_learning": f"{base}/my/learning"}
    counted = json.loads(learner(env, "count", phone,
                                 *(url.removeprefix(base) for url in mine.values())))
    statements = {name: counted[url.removeprefix(base)] for name, url in mine.items()}
    # The cheapest request a logged-in visitor makes through Flask: the language switch reads
    # the session, runs every hook and answers a redirect, with no query and no template.
    mine["floor_learner"] = f"{base}/lang/vi?next=/"
    return ({**targets, **{name: (url, headers) for name, url in mine.items()}}, statements)


def shown_path(path: Path) -> str:
    """A path inside the checkout as the checkout knows it; no machine's folders in results."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def report(args, targets: dict, runs: dict, statements: dict, load: dict) -> None:
    median = {name: statistics.median(r["rps"] for r in rs) for name, rs in runs.items()}
    result = {
        "command": "python benchmarks/lesson_page.py " + " ".join(sys.argv[1:]),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": vars(args) | {"courses": shown_path(args.courses)},
        "targets": targets,
        "runs": runs,
        "median_rps": median,
        "median_p99_ms": {n: statistics.median(r["p99_ms"] for r in rs) for n, rs in runs.items()},
        "errors": {name: sum(r["errors"] for r in rs) for name, rs in runs.items()},
        "ratio": {name: rps / median["bare"] for name, rps in median.items()},
        "statements_per_request": statements,
        # Other work on the machine slows long requests more than short ones: see the README.
        "load_average": load,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps({k: result[k] for k in ("median_rps", "median_p99_ms", "errors", "ratio",
                                             "statements_per_request", "load_average")},
                     indent=2))


if __name__ == "__main__":
    main()
