"""How many learners a second ``flask demo seed`` writes on SQLite, rollups included.

    python benchmarks/demo_seed.py                          # 100,000 and 602,409 learners, 3 rounds
    python benchmarks/demo_seed.py --learners 100000 --rounds 5

Each round seeds a fresh copy of one database that was migrated, loaded with the units and
synced with ``courses/`` (so every round starts from the same empty state), then runs
``flask stats check`` on the result. The figure is the command's own: learners divided by the
seconds from its start to its commit; the wall time of the whole command, Python start-up
included, is recorded beside it. Writes benchmarks/results/demo_seed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flask(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout


def one_round(template: Path, learners: int, scratch: Path) -> dict:
    instance = scratch / f"round-{learners}"
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir()
    shutil.copyfile(template, instance / "onetouch.sqlite3")
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    started = time.perf_counter()
    output = flask(env, "demo", "seed", "--learners", str(learners))
    wall = time.perf_counter() - started
    rate = float(re.search(r"([\d,]+) learners/s", output).group(1).replace(",", ""))
    check = flask(env, "stats", "check").strip()
    return {"learners_per_second": rate, "wall_seconds": round(wall, 2),
            "output": output.strip(), "stats_check": check}


def template_database(scratch: Path) -> Path:
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(scratch)}
    env.pop("DATABASE_URL", None)
    for step in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        flask(env, *step)
    path = scratch / "template.sqlite3"
    with sqlite3.connect(scratch / "onetouch.sqlite3") as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # a consistent copy, WAL included
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = args.learners or [100_000, 602_409]
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        template = template_database(scratch)
        for learners in sizes:
            rounds = [one_round(template, learners, scratch) for _ in range(args.rounds)]
            runs.append({"learners": learners, "rounds": rounds,
                         "median_learners_per_second": statistics.median(
                             r["learners_per_second"] for r in rounds),
                         "median_wall_seconds": statistics.median(
                             r["wall_seconds"] for r in rounds)})
    report = {"command": "python benchmarks/demo_seed.py " + " ".join(sys.argv[1:]),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "runs": runs}
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "demo_seed.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
