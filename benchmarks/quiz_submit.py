"""The write path under concurrency: quiz submit -> course completed -> certificate issued,
against a bare endpoint that does one INSERT per request, on the same engine, in one run.

    python benchmarks/quiz_submit.py                              # PostgreSQL, then SQLite
    python benchmarks/quiz_submit.py --engine postgresql --writers 32 --rounds 3
    python benchmarks/quiz_submit.py --completions inline queued queued_fold_during
    python benchmarks/quiz_submit.py --baseline DIR   # DIR: an earlier checkout (git archive),
                                                      # whose submit path is measured too

For each number of concurrent writers W (8, 32, 64) and each round: the bare endpoint
(``benchmarks/bare_insert.py``), then each variant of the submit path, each served by
gunicorn with the project's ``gunicorn.conf.py`` and W sync workers, so that W transactions
are open at once, as W workers of several nodes would hold them on one database. The
variants (``--completions``): "inline", the course completed and the certificate issued in
the submitting request; "queued" (``ONETOUCH_COMPLETIONS=queued``), the request grades and
queues, and ``flask quizzes fold`` empties the queue after the measured load, timed on its
own (the web node's rate, as when folds run on other machines); "queued_fold_during", the
same with the worker ``flask quizzes fold`` running on the same machine during the load.
``benchmarks/submit_learners.py`` makes learners who each need one final-exam submission for
their certificate (in communes drawn at random, so provinces get learners in proportion to
their communes); ``benchmarks/loadgen.py`` keeps W requests in flight until ``--requests``
are answered, after a warm-up of ``--warmup`` requests per worker (8: each of the W workers
opens its connection and compiles its statements before the measurement, as long-running
workers have; with 2 per worker, a fifth of the measured CPU was that). Then the same
submissions are sent again, each answered "already graded": the route's fixed cost (the
session, the CSRF token, the learner and the attempt read, a redirect), a floor for the path.
After each round (and the fold) ``flask stats check`` and ``flask compliance check`` must
agree, and the certificates issued must equal the submissions graded.

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
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
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


def measured(env: dict, run, app_pid: int, db_pid: int | None,
             fold_pid: int | None = None) -> dict:
    """``run()``'s tally summary, with the CPU time of the app server and of the database
    server (PostgreSQL) per request (and of a fold worker running meanwhile), and on
    PostgreSQL the WAL, the write transactions and the waits around it."""
    url = env.get("DATABASE_URL")
    before = pgserver.wal_and_transactions(url) if url else None
    cpu = (tree_cpu(app_pid), tree_cpu(db_pid), tree_cpu(fold_pid))
    with pgserver.WaitSampler(url) as waits:
        tally = run()
    app_cpu, db_cpu = tree_cpu(app_pid) - cpu[0], tree_cpu(db_pid) - cpu[1]
    fold_cpu = tree_cpu(fold_pid) - cpu[2]
    summary = tally.summary(lambda kind, status: status == (302 if kind == "submit" else 204))
    summary |= {"app_cpu_ms_per_request": 1000 * app_cpu / summary["requests"],
                "client_cpu_ms_per_request": 1000 * tally.cpu_seconds / summary["requests"]}
    if fold_pid:
        summary["fold_cpu_ms_per_request"] = 1000 * fold_cpu / summary["requests"]
    if url:
        spent = pgserver.difference(before, pgserver.wal_and_transactions(url))
        summary |= {"db_cpu_ms_per_request": 1000 * db_cpu / summary["requests"],
                    "wal_bytes_per_request": spent["wal_bytes"] / summary["requests"],
                    "write_transactions_per_request":
                        spent["write_transactions"] / summary["requests"],
                    "waits": waits.shares(),
                    "waits_by_statement": waits.waits_by_statement()}
    return summary


def submit_round(env: dict, variant: Variant, args, writers: int, seed: int,
                 folder: Path) -> dict:
    warm = args.warmup * writers
    code = variant.code
    jobs = learners(env, code, warm + args.requests, args.course, seed, folder)
    certificates = count_rows(env, "certificates")
    with served("wsgi:app", env, code, PORT, writers) as server:
        load(server.url, jobs[:warm], writers, submit)
        with folding(env, code, variant.fold == "during") as worker:
            result = measured(env, lambda: load(server.url, jobs[warm:], writers, submit),
                              server.pid, args.db_pid, worker)
        if variant.fold:
            result["fold"] = drain(env, code, args.db_pid)
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


@contextmanager
def folding(env: dict, code: Path, during: bool):
    """With ``during``, ``flask quizzes fold`` (the worker) runs beside the server while the load
    is measured (one machine doing everything); yields its pid, or None."""
    if not during:
        yield None
        return
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "onetouch", "quizzes",
                               "fold", "--interval", "0.2"], env=env, cwd=code)
    try:
        yield worker.pid
    finally:
        worker.terminate()  # a batch it was folding rolls back and stays queued
        worker.wait(30)


def drain(env: dict, code: Path, db_pid: int | None) -> dict:
    """``flask quizzes fold --once``, which empties the queue: the completions the load left queued,
    the time and the CPU (the fold's process, and the database server's) they took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    db_before, started = tree_cpu(db_pid), time.perf_counter()
    done = flask(env, code, "quizzes", "fold", "--once")
    seconds, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(done.stderr)
    applied = int(done.stdout.split()[0])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = {"completions": applied, "seconds": seconds, "output": done.stdout.strip(),
               "completions_per_second": applied / seconds if seconds else None,
               "fold_cpu_ms_per_completion": 1000 * cpu / applied if applied else None}
    if db_pid:
        summary["db_cpu_ms_per_completion"] = \
            1000 * (tree_cpu(db_pid) - db_before) / applied if applied else None
    return summary


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
        load(server.url, range(args.warmup * writers), writers, insert)
        return measured(env, lambda: load(server.url, range(args.requests), writers, insert),
                        server.pid, args.db_pid)


def engine_runs(engine: str, args, scratch: Path) -> dict:
    """Each level's rounds: the bare endpoint, then the submit path of each variant (see
    ``variants``), each on a database of its own."""
    server = pgserver.start() if engine == "postgresql" else None
    args.db_pid = server.pid() if server else None
    try:
        envs = {}
        for name, variant in args.variants.items():
            envs[name] = prepare(scratch / f"instance-{engine}-{name}", variant.code,
                                 server.create(f"bench_{name}") if server else None)
            if variant.completions:
                envs[name]["ONETOUCH_COMPLETIONS"] = variant.completions
            if variant.fold:  # this benchmark runs it, apart from the server, to measure it
                envs[name]["ONETOUCH_FOLD"] = "none"
        first = next(iter(envs.values()))
        levels = {}
        for writers in args.writers:
            rounds = []
            for number in range(args.rounds):
                seed = writers * 100 + number
                row = {"insert": insert_round(first, args, writers)}
                for name, variant in args.variants.items():
                    row[name] = submit_round(envs[name], variant, args, writers, seed, scratch)
                rounds.append(row)
                print(engine, writers, number, {k: (round(v["rps"]), v["errors"])
                                                for k, v in row.items()}, flush=True)
            levels[str(writers)] = level_summary(rounds, list(args.variants))
        return {"database": server.version() if server else sqlite3.sqlite_version,
                "levels": levels}
    finally:
        if server:
            server.stop()


@dataclass
class Variant:
    code: Path
    completions: str | None  # ONETOUCH_COMPLETIONS, or None: the checkout's default
    fold: str | None = None  # queued: "after" the measured load, or "during" it


def variants(args) -> dict[str, Variant]:
    """What is measured against the bare endpoint: the submit path with completions in the
    request ("inline"), queued with the fold run after the measured load ("queued": the web
    node's rate, as when the fold runs on other machines), and queued with a fold worker on
    the same machine meanwhile ("queued_fold_during": one machine doing everything); and
    ``--baseline``'s submit path, as it was."""
    chosen = {"inline": Variant(ROOT, "inline"),
              "queued": Variant(ROOT, "queued", "after"),
              "queued_fold_during": Variant(ROOT, "queued", "during")}
    found = {name: chosen[name] for name in args.completions}
    if args.baseline:
        found["baseline"] = Variant(args.baseline.resolve(), None)
    return found


def level_summary(rounds: list[dict], codes: list[str]) -> dict:
    bare = statistics.median(r["insert"]["rps"] for r in rounds)
    summary = {"insert_rps": bare,
               "insert_p99_ms": statistics.median(r["insert"]["kinds"]["insert"]["p99_ms"]
                                                  for r in rounds)}
    for name in codes:
        folds = [r[name]["fold"] for r in rounds if "fold" in r[name]]
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
        if folds:
            summary[name]["fold_completions_per_second"] = statistics.median(
                f["completions_per_second"] for f in folds)
    summary["insert_errors"] = sum(r["insert"]["errors"] for r in rounds)
    return summary | {"rounds": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--writers", type=int, nargs="+", default=[8, 32, 64])
    parser.add_argument("--requests", type=int, default=1500, help="measured, per round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=8, help="requests per worker, unmeasured")
    parser.add_argument("--course", default="ky-nang-so-co-ban")
    parser.add_argument("--baseline", type=Path,
                        help="an earlier checkout whose submit path is measured too")
    parser.add_argument("--completions", nargs="+", default=["inline", "queued"],
                        choices=("inline", "queued", "queued_fold_during"),
                        help="the variants of this checkout's submit path measured")
    parser.add_argument("--output", default="quiz_submit.json")
    args = parser.parse_args()
    args.variants = variants(args)
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
                     if k not in ("variants", "baseline", "db_pid")},
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
