"""Where a quiz submission's time goes, in the process, on SQLite or PostgreSQL.

Makes learners one final-exam submission away from their certificate
(``submit_learners.py``), then sends their submissions one at a time through Flask's test
client, with the benchmark's cookies, and reports per submission: wall and CPU time, the SQL
statements run and their time (wall, as the database server's work counts there), and the
functions of OneTouch that take the most cumulative time (cProfile).

    python benchmarks/submit_profile.py [--engine postgresql] [--requests 200]

Writes benchmarks/results/submit_profile[_postgresql].json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pgserver
from servers import machine, prepare
from submit_learners import REMOTE_ADDR, USER_AGENT

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def statements(engine) -> tuple[Counter, Counter]:
    """Counts and seconds of each statement's first words, from the engine's events."""
    from sqlalchemy import event

    counts, seconds = Counter(), Counter()

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        key = " ".join(statement.split()[:4])[:70]
        counts[key] += 1
        seconds[key] += time.perf_counter() - conn.info.pop("started")

    return counts, seconds


def run(env: dict, jobs: list[dict]) -> dict:
    os.environ.update(env)
    from onetouch import create_app
    from onetouch.extensions import db

    app = create_app()
    with app.app_context():
        counts, seconds = statements(db.engine)
    client = app.test_client()
    client.environ_base |= {"HTTP_USER_AGENT": USER_AGENT, "REMOTE_ADDR": REMOTE_ADDR}
    warm, measured = jobs[:10], jobs[10:]
    for job in warm:
        send(client, job)
    counts.clear(), seconds.clear()
    profiler = cProfile.Profile(time.process_time)  # CPU: waits on a busy machine add none
    wall, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    for job in measured:
        send(client, job)
    profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = len(measured)
    return {"requests": n, "wall_ms": 1000 * wall / n, "cpu_ms": 1000 * cpu / n,
            "statements_per_request": sum(counts.values()) / n,
            "sql_wall_ms_per_request": 1000 * sum(seconds.values()) / n,
            "statements": {k: {"per_request": counts[k] / n,
                               "ms_per_request": 1000 * seconds[k] / n}
                           for k, _ in seconds.most_common(15)},
            "profile": top(profiler, "cumulative"), "own_time": top(profiler, "tottime", 25)}


def send(client, job: dict) -> None:
    client.set_cookie(*job["cookie"].split("=", 1), domain="localhost")
    answer = client.post(job["path"], data=job["body"],
                         content_type="application/x-www-form-urlencoded")
    if answer.status_code != 302 or not answer.location.endswith("/result"):
        raise SystemExit(f"submission answered {answer.status_code} {answer.location}")


def top(profiler: cProfile.Profile, sort: str, lines: int = 40) -> list[str]:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    return [line.rstrip().replace(str(ROOT), "") for line in out.getvalue().splitlines()
            if line.strip() and line.lstrip()[:1].isdigit()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--course", default="ky-nang-so-co-ban")
    args = parser.parse_args()
    server = pgserver.start() if args.engine == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory(prefix="onetouch-submit-profile-") as scratch:
            env = prepare(Path(scratch) / "instance", ROOT,
                          server.create("bench") if server else None)
            output = Path(scratch) / "learners.jsonl"
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "submit_learners.py"),
                            str(args.requests + 10), args.course, "1", str(output)],
                           env=env, cwd=ROOT, check=True)
            jobs = [json.loads(line) for line in output.read_text().splitlines()]
            load = os.getloadavg()
            result = run(env, jobs)
    finally:
        if server:
            server.stop()
    result |= {"command": "python benchmarks/submit_profile.py " + " ".join(sys.argv[1:]),
               "machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load_average": {"before": load, "after": os.getloadavg()}}
    name = "submit_profile" + ("_postgresql" if server else "") + ".json"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k not in ("profile", "own_time")},
                     indent=2, ensure_ascii=False))
    print("\n".join(result["profile"] + ["", "own time:"] + result["own_time"]))


if __name__ == "__main__":
    main()
