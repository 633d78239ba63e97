"""How long a bulk import of 10,000 people takes on SQLite (the goal: under 30 seconds).

    python benchmarks/import.py                 # 10,000 rows, 3 rounds
    python benchmarks/import.py --rows 20000 --rounds 5

Each round copies one database that was migrated, loaded with the units and synced with
``courses/``, then runs ``flask users import FILE --province 01 --course ky-nang-so-co-ban``
on a CSV of ``--rows`` new people of Hà Nội (communes by name and by code, officials and
citizens), and the same command with the same file again (every row already registered:
nothing changes). Each figure is the command's wall time, Python start-up included (what an
operator waits for), and its CPU time (user + system), which the load of a shared machine
moves much less. Writes benchmarks/results/import.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = "ky-nang-so-co-ban"


def flask(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True).stderr


def people(rows: int, communes: list[tuple[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Họ và tên", "Số điện thoại", "Email", "Xã, phường (mã hoặc tên)",
                     "Nhóm đối tượng", "Chức vụ"])
    for number in range(rows):
        code, name = communes[number % len(communes)]
        official = number % 2 == 0
        writer.writerow([f"Nguyễn Văn Thử {number}", f"09{number:08d}",
                         f"thu{number}@example.vn" if number % 3 == 0 else "",
                         name if number % 4 else code,
                         "Cán bộ, lãnh đạo cấp xã" if official else "Người dân",
                         "Công chức Văn phòng - Thống kê" if official else ""])
    return ("\ufeff" + buffer.getvalue()).encode()


def template_database(scratch: Path) -> tuple[Path, list[tuple[str, str]]]:
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(scratch)}
    env.pop("DATABASE_URL", None)
    for step in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        flask(env, *step)
    path = scratch / "template.sqlite3"
    with sqlite3.connect(scratch / "onetouch.sqlite3") as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # a consistent copy, WAL included
        communes = copy.execute("SELECT code, name FROM communes WHERE province_code = '01' "
                                "ORDER BY code").fetchall()
    # A name two communes of Hà Nội share would wait for a choice: keep the unique ones.
    names = [name for _, name in communes]
    return path, [(code, name) for code, name in communes if names.count(name) == 1]


def one_round(template: Path, data: Path, scratch: Path, number: int) -> dict:
    instance = scratch / f"round-{number}"
    shutil.rmtree(instance, ignore_errors=True)
    instance.mkdir()
    shutil.copyfile(template, instance / "onetouch.sqlite3")
    for key in ("secret_key",):  # the same keys as the template's instance
        if (scratch / key).exists():
            shutil.copyfile(scratch / key, instance / key)
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(instance)}
    env.pop("DATABASE_URL", None)
    command = ("users", "import", str(data), "--province", "01", "--course", COURSE,
               "--report", str(instance / "report.csv"))
    timings = {}
    for label in ("first", "again"):
        started, cpu = time.perf_counter(), _child_cpu()
        timings[label] = {"output": flask(env, *command).strip()}
        timings[label]["seconds"] = round(time.perf_counter() - started, 2)
        timings[label]["cpu_seconds"] = round(_child_cpu() - cpu, 2)
    return timings


def _child_cpu() -> float:
    """User and system CPU of finished child processes: on a shared machine the wall time
    grows with the load, the CPU time much less."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        template, communes = template_database(scratch)
        data = scratch / "people.csv"
        data.write_bytes(people(args.rows, communes))
        rounds = [one_round(template, data, scratch, n) for n in range(args.rounds)]
    result = {
        "command": " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}, "
                   f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "rows": args.rows, "rounds": rounds,
        "median_first_seconds": statistics.median(r["first"]["seconds"] for r in rounds),
        "median_again_seconds": statistics.median(r["again"]["seconds"] for r in rounds),
        "median_first_cpu_seconds": statistics.median(r["first"]["cpu_seconds"] for r in rounds),
        "median_again_cpu_seconds": statistics.median(r["again"]["cpu_seconds"] for r in rounds),
    }
    out = ROOT / "benchmarks" / "results" / "import.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, ensure_ascii=False,
                     indent=2))


if __name__ == "__main__":
    main()
