"""The write path under concurrency: quiz submit -> course completed -> certificate issued,
against a bare endpoint that does one INSERT per request, on the same engine, in one run.

    python benchmarks/quiz_submit.py                              # PostgreSQL, then SQLite
    python benchmarks/quiz_submit.py --engine postgresql --writers 32 --rounds 3
    python benchmarks/quiz_submit.py --baseline DIR   # DIR: an earlier checkout (git archive),
                                                      # whose submit path is measured too

For each number of concurrent writers W (8, 32, 64) and each round: the bare endpoint
(``benchmarks/bare_insert.py``), then the submit path of this checkout (and of
``--baseline``), each served by gunicorn with the project's ``gunicorn.conf.py`` and W sync
workers, so that W transactions are open at once, as W workers of several nodes would hold
them on one database. ``benchmarks/submit_learners.py`` makes learners who each need one
final-exam submission for their certificate (in communes drawn at random, so provinces get
learners in proportion to their communes); ``benchmarks/loadgen.py`` keeps W requests in
flight until ``--requests`` are answered, after a warm-up of 2W. Then the same submissions
are sent again, each answered "already graded": the route's fixed cost (the session, the
CSRF token, the learner and the attempt read, a redirect), a floor for the path. After each
round ``flask stats check`` and ``flask compliance check`` must agree, and the certificates
issued must equal the submissions graded.

On PostgreSQL the server is durable (fsync and synchronous commit on, data on disk:
``benchmarks/pgserver.py``); the run records the WAL written and the write transactions per
request (``pg_current_wal_lsn()`` and the next transaction id, before and after), and
samples every 50 ms what the busy backends wait on, and in which statement
(``pg_stat_activity``): a hot row shows as ``Lock:transactionid``, a commit as
``IO:WALSync`` or ``LWLock:WALWrite``. Writes ``benchmarks/results/quiz_submit.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import loadgen
import pgserver
from servers import count_rows, flask, machine, prepare, served, tree_cpu

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
RESULTS = BENCHMARKS / "results"
PORT = 8141  # the other load benchmarks use 8101 to 8134


def learners(env: dict, code: Path, count: int, course: str, seed: int, folder: Path) -> list:
    output = folder / f"learners-{seed}.jsonl"
    subprocess.run([sys.executable, str(BENCHMARKS / "submit_learners.py"), str(count), course,
                    str(seed), str(output)], env=env, cwd=code, check=True)
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


async def submit(client: loadgen.Client, job: dict, tally: loadgen.Tally) -> None:
    answer = await client.request("POST", job["path"], job["body"].encode(),
                                  {"Cookie": job["cookie"]})
    graded = answer.status == 302 and answer.location.endswith(f"{job['path']}/result")
    tally.add("submit", answer if graded or answer.status != 302 else
              loadgen.Answer(-1, {}, b"", answer.seconds))


async def insert(client: loadgen.Client, job: int, tally: loadgen.Tally) -> None:
    tally.add("insert", await client.request("POST", "/", f"note=request-{job}".encode()))


def load(base: str, jobs, concurrency: int, run) -> loadgen.Tally:
    return asyncio.run(loadgen.drive(iter(jobs), concurrency, run, base))


def measured(env: dict, run, app_pid: int, db_pid: int | None) -> dict:
    """``run()``'s tally summary, with the CPU time of the app server and of the database
    server (PostgreSQL) per request, and on PostgreSQL the WAL, the write transactions and
    the waits around it."""
    url = env.get("DATABASE_URL")
    before = pgserver.wal_and_transactions(url) if url else None
    cpu = (tree_cpu(app_pid), tree_cpu(db_pid))
    with pgserver.WaitSampler(url) as waits:
        tally = run()
    app_cpu, db_cpu = tree_cpu(app_pid) - cpu[0], tree_cpu(db_pid) - cpu[1]
    summary = tally.summary(lambda kind, status: status == (302 if kind == "submit" else 204))
    summary |= {"app_cpu_ms_per_request": 1000 * app_cpu / summary["requests"],
                "client_cpu_ms_per_request": 1000 * tally.cpu_seconds / summary["requests"]}
    if url:
        spent = pgserver.difference(before, pgserver.wal_and_transactions(url))
        summary |= {"db_cpu_ms_per_request": 1000 * db_cpu / summary["requests"],
                    "wal_bytes_per_request": spent["wal_bytes"] / summary["requests"],
                    "write_transactions_per_request":
                        spent["write_transactions"] / summary["requests"],
                    "waits": waits.shares(),
                    "waits_by_statement": waits.waits_by_statement()}
    return summary


def submit_round(env: dict, code: Path, args, writers: int, seed: int, folder: Path) -> dict:
    warm = 2 * writers
    jobs = learners(env, code, warm + args.requests, args.course, seed, folder)
    certificates = count_rows(env, "certificates")
    with served("wsgi:app", env, code, PORT, writers) as server:
        load(server.url, jobs[:warm], writers, submit)
        result = measured(env, lambda: load(server.url, jobs[warm:], writers, submit),
                          server.pid, args.db_pid)
        # Counted before the resend, which grades a submission answered 503 the first time.
        issued = count_rows(env, "certificates") - certificates
        # The same submissions again: each is answered "already graded" (the route's own
        # cost: session, CSRF token, the learner and the attempt read, a redirect, no write).
        result["resend"] = measured(
            env, lambda: load(server.url, jobs[warm:], writers, submit), server.pid,
            args.db_pid)
    check = flask(env, code, "stats", "check")
    graded = result["kinds"]["submit"]["statuses"].get("302", 0)
    return result | {"certificates_issued": issued,
                     "certificates_match": issued == warm + graded,
                     "stats_check": _last_line(check),
                     "stats_check_exit": check.returncode,
                     **_compliance_check(env, code)}


def _last_line(done) -> str:
    return (done.stdout + done.stderr).strip().splitlines()[-1]


def _compliance_check(env: dict, code: Path) -> dict:
    """``flask compliance check`` (the dashboard's running counts), where the checkout has it."""
    check = flask(env, code, "compliance", "check")
    if "No such command" in check.stderr:
        return {}
    return {"compliance_check": _last_line(check), "compliance_check_exit": check.returncode}


def insert_round(env: dict, args, writers: int) -> dict:
    bare_env = {**env, "PYTHONPATH": f"{BENCHMARKS}{os.pathsep}{env['PYTHONPATH']}"}
    with served("bare_insert:app", bare_env, Path(env["PYTHONPATH"]), PORT, writers) as server:
        load(server.url, range(2 * writers), writers, insert)
        return measured(env, lambda: load(server.url, range(args.requests), writers, insert),
                        server.pid, args.db_pid)


def engine_runs(engine: str, args, scratch: Path) -> dict:
    """Each level's rounds: the bare endpoint, then the submit path of each checkout (this
    one, and ``--baseline`` if given), each checkout on a database of its own."""
    server = pgserver.start() if engine == "postgresql" else None
    args.db_pid = server.pid() if server else None
    try:
        envs = {name: prepare(scratch / f"instance-{engine}-{name}", code,
                              server.create(f"bench_{name}") if server else None)
                for name, code in args.codes.items()}
        levels = {}
        for writers in args.writers:
            rounds = []
            for number in range(args.rounds):
                seed = writers * 100 + number
                row = {"insert": insert_round(envs["this"], args, writers)}
                for name, code in args.codes.items():
                    row[name] = submit_round(envs[name], code, args, writers, seed, scratch)
                rounds.append(row)
                print(engine, writers, number, {k: (round(v["rps"]), v["errors"])
                                                for k, v in row.items()}, flush=True)
            levels[str(writers)] = level_summary(rounds, list(args.codes))
        return {"database": server.version() if server else sqlite3.sqlite_version,
                "levels": levels}
    finally:
        if server:
            server.stop()


def level_summary(rounds: list[dict], codes: list[str]) -> dict:
    bare = statistics.median(r["insert"]["rps"] for r in rounds)
    summary = {"insert_rps": bare,
               "insert_p99_ms": statistics.median(r["insert"]["kinds"]["insert"]["p99_ms"]
                                                  for r in rounds)}
    for name in codes:
        submit = statistics.median(r[name]["rps"] for r in rounds)
        resend = statistics.median(r[name]["resend"]["rps"] for r in rounds)
        summary[name] = {
            "submit_rps": submit, "ratio": submit / bare, "resend_rps": resend,
            "resend_ratio": resend / bare,
            "submit_p99_ms": statistics.median(r[name]["kinds"]["submit"]["p99_ms"]
                                               for r in rounds),
            "errors": sum(r[name]["errors"] for r in rounds),
            "stats_check_exit": max(r[name]["stats_check_exit"] for r in rounds),
            "compliance_check_exit": max((r[name].get("compliance_check_exit") for r in rounds
                                          if "compliance_check_exit" in r[name]), default=None),
            "certificates_match": all(r[name]["certificates_match"] for r in rounds)}
    summary["insert_errors"] = sum(r["insert"]["errors"] for r in rounds)
    return summary | {"rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--writers", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--requests", type=int, default=1500, help="measured, per round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--course", default="ky-nang-so-co-ban")
    parser.add_argument("--baseline", type=Path,
                        help="an earlier checkout whose submit path is measured too")
    parser.add_argument("--output", default="quiz_submit.json")
    args = parser.parse_args()
    args.codes = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline
                                   else {})
    load_before = os.getloadavg()
    engines = ("postgresql", "sqlite") if args.engine == "both" else (args.engine,)
    with tempfile.TemporaryDirectory(prefix="onetouch-quiz-submit-") as scratch:
        runs = {engine: engine_runs(engine, args, Path(scratch)) for engine in engines}
    report(args, runs, {"before": load_before, "after": os.getloadavg()})


def commit_of(code: Path) -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code,
                           capture_output=True, text=True)
    return found.stdout.strip() or "(not a git checkout)"


def report(args, runs: dict, load: dict) -> None:
    result = {
        "command": "python benchmarks/quiz_submit.py " + " ".join(sys.argv[1:]),
        "code": commit_of(ROOT),
        # Its folder's name only: no machine's paths in the results.
        "baseline": args.baseline.name if args.baseline else None,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": {k: v for k, v in vars(args).items()
                     if k not in ("codes", "baseline", "db_pid")},
        "load_average": load,
        "engines": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({engine: {w: {k: v for k, v in level.items() if k != "rounds"}
                               for w, level in run["levels"].items()}
                      for engine, run in runs.items()}, indent=2))


if __name__ == "__main__":
    main()
