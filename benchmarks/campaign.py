"""A campaign-day load test: readers, new and returning learners taking quizzes, and
statistics, all at once, for a bounded time.

    python benchmarks/campaign.py                                  # SQLite, then PostgreSQL
    python benchmarks/campaign.py --engine postgresql --users 32 --seconds 60
    python benchmarks/campaign.py --proxy       # as make run serves: nginx in front of gunicorn
    python benchmarks/campaign.py --base-url http://127.0.0.1:8080  # a server already running,
                                                  # through a proxy for instance (then switch
                                                  # its rate limits off: every visitor here
                                                  # comes from one address)

Without ``--base-url`` the script makes a throwaway instance (SQLite in a temporary folder,
or a durable throwaway PostgreSQL server, ``benchmarks/pgserver.py``), migrates it, loads the
units and ``courses/``, seeds ``--seed-learners`` demo learners so that the statistics read
a populated database, and serves it with gunicorn and the project's ``gunicorn.conf.py`` as
``make run`` does (its default workers, or ``--workers``). Then ``--users`` simulated
visitors (``campaign_journeys.py``), each one connection, go from visit to visit without
pause for ``--seconds`` after a ``--warm-up``: the node's throughput at that concurrency.
The run records requests per second, median and 99th-percentile latency and errors for
each kind of request, the visits, people registered and certificates issued, and on
PostgreSQL the WAL written, the transactions committed, what busy backends waited on and
the most connections open at once. ``flask stats check`` must agree afterwards. Writes
``benchmarks/results/campaign.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import loadgen
import pgserver
from campaign_journeys import MIX, Journeys, Library, Visitor
from servers import count_rows, flask, machine, prepare, served, tree_cpu

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PORT = 8151


async def visits(base: str, library: Library, users: int, seconds: float, seed: int,
                 tally: loadgen.Tally) -> dict:
    """``users`` visitors going from visit to visit until ``seconds`` have passed."""
    journeys = Journeys(library, tally, seed)
    deadline = time.perf_counter() + seconds
    made: Counter = Counter()

    async def visitor(number: int) -> None:
        one = Visitor(loadgen.Client(base), random.Random(seed * 1000 + number))  # noqa: S311
        try:
            while time.perf_counter() < deadline:
                await journeys.visit(one)
                made["visits"] += 1
        finally:
            await one.client.close()

    cpu = os.times()
    tally.started = time.perf_counter()
    await asyncio.gather(*(visitor(n) for n in range(users)))
    tally.ended = time.perf_counter()
    after = os.times()
    tally.cpu_seconds = after.user - cpu.user + after.system - cpu.system
    return {"visits": made["visits"], "people_registered": journeys.people}


def load(base: str, library: Library, args, database_url: str | None,
         pids: tuple[int | None, int | None] = (None, None)) -> dict:
    """Warm up, then the measured visits; with the servers' process ids, their CPU time."""
    asyncio.run(visits(base, library, args.users, args.warm_up, args.seed + 1,
                       loadgen.Tally()))
    before = pgserver.wal_and_transactions(database_url) if database_url else None
    cpu = [tree_cpu(pid) for pid in pids]
    tally = loadgen.Tally()
    with pgserver.WaitSampler(database_url) as waits:
        made = asyncio.run(visits(base, library, args.users, args.seconds, args.seed, tally))
    result = tally.summary(lambda kind, status: status > 0) | made
    for name, pid, start in zip(("app", "db"), pids, cpu, strict=True):
        if pid:
            result[f"{name}_cpu_seconds"] = tree_cpu(pid) - start
    if database_url:
        spent = pgserver.difference(before, pgserver.wal_and_transactions(database_url))
        result |= {"wal_bytes": spent["wal_bytes"],
                   "write_transactions": spent["write_transactions"],
                   "waits": waits.shares(), "waits_by_statement": waits.waits_by_statement(),
                   "most_connections": waits.connections}
    return result


def self_served(engine: str, args, library: Library) -> dict:
    with tempfile.TemporaryDirectory(prefix="onetouch-campaign-") as scratch:
        server = pgserver.start() if engine == "postgresql" else None
        try:
            url = server.create("campaign") if server else None
            env = prepare(Path(scratch) / "instance", ROOT, url, args.courses)
            if args.seed_learners:
                flask(env, ROOT, "demo", "seed", "--learners", str(args.seed_learners))
            certificates = count_rows(env, "certificates")
            with served("wsgi:app", env, ROOT, PORT, args.workers, args.proxy) as app:
                result = load(app.url, library, args, url,
                              (app.pid, server.pid() if server else None))
            result["certificates_issued"] = count_rows(env, "certificates") - certificates
            check = flask(env, ROOT, "stats", "check")
            result["stats_check"] = (check.stdout + check.stderr).strip().splitlines()[-1]
            result["database"] = server.version() if server else sqlite3.sqlite_version
            return result
        finally:
            if server:
                server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="load this running server instead of starting one")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warm-up", type=float, default=5)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's")
    parser.add_argument("--proxy", action="store_true",
                        help="serve as make run does: nginx in front, gunicorn on a socket")
    parser.add_argument("--seed-learners", type=int, default=100_000)
    parser.add_argument("--courses", type=Path, default=ROOT / "courses")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default="campaign.json")
    args = parser.parse_args()
    library = Library.load(args.courses)
    load_before = os.getloadavg()
    if args.base_url:
        runs = {"given server": load(args.base_url.rstrip("/"), library, args, None)}
    else:
        engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
        runs = {engine: self_served(engine, args, library) for engine in engines}
    report(args, runs, {"before": load_before, "after": os.getloadavg()})


def shown(path: Path) -> str:
    """A path as the checkout knows it: no machine's folders in the results."""
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def report(args, runs: dict, load_average: dict) -> None:
    result = {"command": "python benchmarks/campaign.py " + " ".join(sys.argv[1:]),
              "machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "settings": vars(args) | {"courses": shown(args.courses), "mix": MIX},
              "load_average": load_average, "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(result, indent=2) + "\n")
    for name, run in runs.items():
        print(f"{name}: {run['rps']:.0f} requests/s, {run['errors']} errors, "
              f"{run['visits']} visits, {run.get('stats_check', '')}")
        for kind, figures in run["kinds"].items():
            print(f"  {kind:16} {figures['requests']:6d} {figures['rps']:7.1f}/s "
                  f"p50 {figures['p50_ms']:7.1f} ms  p99 {figures['p99_ms']:7.1f} ms  "
                  f"errors {figures['errors']}")


if __name__ == "__main__":
    main()
