"""Province statistics (API and page) latency with a large seeded database.

    python benchmarks/stats_api.py --enrolments 1000000 --enrolments 5000000
    python benchmarks/stats_api.py --enrolments 5000000 --instance DIR   # already seeded

For each size: a throwaway SQLite database is migrated, loaded and seeded with
``flask demo seed`` (about 1.66 enrolments per learner), then gunicorn serves it and wrk
measures the province API, the same API with a 90-day range, and the public page.
Needs wrk (Debian: apt-get install wrk). Writes benchmarks/results/stats_api.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENROLMENTS_PER_LEARNER = 1.66  # what flask demo seed produces (measured)


def flask(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": ms("50"), "p99_ms": ms("99"),
            "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0)}


def measure(size: int, args) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        instance = args.instance or scratch
        # The public API is rate-limited per address; wrk is one address, so the limit is
        # switched off here to measure the work, not the refusals.
        env = {**os.environ, "ONETOUCH_INSTANCE_PATH": instance,
               "ONETOUCH_RATELIMIT_ENABLED": "false"}
        env.pop("DATABASE_URL", None)
        for step in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
            flask(env, *step)
        learners = int(size / ENROLMENTS_PER_LEARNER)
        started = time.perf_counter()
        seeded = "reused the seeded instance" if args.instance else flask(
            env, "demo", "seed", "--learners", str(learners))
        seed_seconds = time.perf_counter() - started
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers",
             str(args.workers), "--bind", "127.0.0.1:8103", "--access-logfile", "/dev/null",
             "wsgi:app"], cwd=ROOT, env={"ONETOUCH_PUBLIC_URL": "http://127.0.0.1:8103", **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen("http://127.0.0.1:8103/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            start = (date.today() - timedelta(days=90)).isoformat()
            base = "http://127.0.0.1:8103"
            urls = {"api": f"{base}/api/v1/stats/provinces",
                    "api_legacy_90_days": f"{base}/api/v1/stats/provinces?scheme=legacy"
                                          f"&from={start}",
                    "page": f"{base}/stats"}
            results = {name: wrk(url, args.seconds, args.connections) for name, url in urls.items()}
        finally:
            server.terminate()
            server.wait()
    return {"enrolments_target": size, "learners": learners, "seed_output": seeded.strip(),
            "seed_seconds": round(seed_seconds, 1), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, action="append")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--instance", help="an instance folder already seeded for the one "
                                           "--enrolments size given (skips seeding)")
    args = parser.parse_args()
    runs = [measure(size, args) for size in (args.enrolments or [1_000_000])]
    report = {"command": "python benchmarks/stats_api.py " + " ".join(sys.argv[1:]),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"Python {platform.python_version()}, SQLite",
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "runs": runs}
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "stats_api.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
