"""Wall time of a pytest run of the work tree, against the same run of an earlier revision.

The earlier revision is exported with ``git archive`` into a temporary folder and run there with
this virtual environment (its own ``onetouch`` and ``tests`` come first on the path); the two
runs alternate, so that both see the same machine load. Each run records its wall time, the CPU
time of the processes it waited for, and the load average before and after.

    .venv/bin/python benchmarks/test_suite.py --baseline 159def3 \\
        --baseline-args '--db sqlite -m "not postgres" --ignore=tests/test_server.py ...' \\
        --variant 'two processes::-q -m "not slow" -n 2'
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INNER_LOOP = '-q -p no:cacheprovider -m "not slow"'


def export(revision: str, into: Path) -> Path:
    """The revision's files in a folder, with the compiled translations of the work tree."""
    archive = into / "tree.tar"
    with open(archive, "wb") as handle:
        subprocess.run(["git", "archive", revision], cwd=ROOT, stdout=handle, check=True)
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    for mo in ROOT.glob("onetouch/translations/*/LC_MESSAGES/*.mo"):
        shutil.copy(mo, tree / mo.relative_to(ROOT))
    return tree


def timed(args: str, cwd: Path) -> dict:
    """One pytest run: wall and CPU seconds, load averages, and pytest's closing line."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    before, load = resource.getrusage(resource.RUSAGE_CHILDREN), os.getloadavg()
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", *shlex.split(args)], cwd=cwd,
                            env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = result.stdout.strip().splitlines()
    return {"wall_s": round(wall, 2), "user_s": round(after.ru_utime - before.ru_utime, 2),
            "sys_s": round(after.ru_stime - before.ru_stime, 2), "exit": result.returncode,
            "load_before": [round(x, 2) for x in load],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "summary": lines[-1] if lines else ""}


def machine() -> dict:
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "arch": platform.machine(),
            "memory_gib": round(int(memory) / 2**20, 1), "python": platform.python_version()}


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--args", default=INNER_LOOP, help="pytest arguments for the work tree")
    parser.add_argument("--baseline", help="an earlier revision to run alternately")
    parser.add_argument("--baseline-args", default=INNER_LOOP,
                        help="pytest arguments for the earlier revision")
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL::ARGS",
                        help="more pytest arguments to run on the work tree, alternately")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", default="test_suite.json")
    return parser.parse_args()


def run_rounds(plan: list[tuple[str, str, Path]], rounds: int) -> dict[str, list]:
    runs: dict[str, list] = {name: [] for name, _, _ in plan}
    for _ in range(rounds):
        for name, args, cwd in plan:
            runs[name].append(timed(args, cwd))
            print(name, runs[name][-1], flush=True)
    return runs


def main() -> None:
    chosen = options()
    plan = [("work tree", chosen.args, ROOT)]
    plan += [(label, args, ROOT) for label, args in
             (variant.split("::", 1) for variant in chosen.variant)]
    with tempfile.TemporaryDirectory() as scratch:
        if chosen.baseline:
            plan.insert(0, (chosen.baseline, chosen.baseline_args,
                            export(chosen.baseline, Path(scratch))))
        runs = run_rounds(plan, chosen.rounds)
    medians = {name: statistics.median(run["wall_s"] for run in each)
               for name, each in runs.items()}
    report = {"date": date.today().isoformat(), "machine": machine(),
              "commands": {name: f"python -m pytest {args}" for name, args, _ in plan},
              "median_wall_s": medians, "runs": runs}
    if chosen.baseline:
        report["ratio_work_tree_to_baseline"] = round(
            medians["work tree"] / medians[chosen.baseline], 3)
    output = ROOT / "benchmarks" / "results" / chosen.output
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: report[k] for k in report if k != "runs"}, indent=2))

if __name__ == "__main__":
    main()
