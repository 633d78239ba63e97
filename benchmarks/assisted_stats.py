"""Timing of the assisted sign-ups per team member of a province (stats/helpers.py), which is
counted from the users table, not from a rollup, with ``ix_users_province_assisted_by``.

    python benchmarks/assisted_stats.py --users 300000 --runs 50

A scratch SQLite instance (``flask db upgrade`` and ``flask geo load``) gets ``--users`` people
in Hà Nội (01) and as many again in Hồ Chí Minh City (79), written straight into ``users``; one
in ten was signed up by one of 600 team members of their province. The query of the province
page is then run ``--runs`` times for Hà Nội, without and with a 30-day filter, after a warm-up;
medians and p99 go to benchmarks/results/assisted_stats.json with the machine and the date
(``--without-index``: the same without the index, to ``assisted_stats_without_index.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPERS = 600
COLUMNS = ("full_name", "search_name", "phone", "password_hash", "province_code", "commune_code",
           "audience", "consent_at", "created_at", "is_active", "is_demo", "session_version",
           "assisted_by_id", "registered_commune_code", "registered_audience")


def flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                   check=True, cwd=ROOT, capture_output=True)


def fill(path: Path, users: int) -> None:
    with sqlite3.connect(path) as con:
        now = datetime.now(UTC)
        for province, first in (("01", 1), ("79", 5_000_000)):
            communes = [code for (code,) in con.execute(
                "SELECT code FROM communes WHERE province_code = ? ORDER BY code", (province,))]
            rows = [_row(number, province, communes, now, None, "digital_team")
                    for number in range(first, first + HELPERS)]
            con.executemany(_insert(), rows)
            helper_ids = [id_ for (id_,) in con.execute(
                "SELECT id FROM users WHERE province_code = ? AND audience = 'digital_team'",
                (province,))]
            rows = [_row(number, province, communes, now - timedelta(minutes=number % 86_400),
                         helper_ids[number % HELPERS] if number % 10 == 0 else None, "citizen")
                    for number in range(first + HELPERS, first + HELPERS + users)]
            con.executemany(_insert(), rows)
        con.execute("ANALYZE")


def _insert() -> str:
    # The column names are this file's constants; the values are bound.
    return (f"INSERT INTO users ({', '.join(COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in COLUMNS)})")


def _row(number, province, communes, moment, helper, audience) -> tuple:
    commune = communes[number % len(communes)]
    stored = moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy keeps a UTC time in SQLite
    return (f"Người Thử {number}", f"nguoi thu {number}", f"+8491{number:07d}", "x", province,
            commune, audience, stored, stored, 1, 0, 0, helper, commune, audience)


def timed(runs: int, call) -> dict:
    for _ in range(3):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--without-index", action="store_true",
                        help="drop ix_users_province_assisted_by first, to compare")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="onetouch-assisted-"))
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": str(scratch)}
    env.pop("DATABASE_URL", None)
    for step in (("db", "upgrade"), ("geo", "load")):
        flask(env, *step)
    fill(scratch / "onetouch.sqlite3", options.users)
    if options.without_index:
        with sqlite3.connect(scratch / "onetouch.sqlite3") as con:
            con.execute("DROP INDEX ix_users_province_assisted_by")
    os.environ["ONETOUCH_INSTANCE_PATH"] = str(scratch)
    os.environ.pop("DATABASE_URL", None)
    from onetouch import create_app
    from onetouch.core.clock import today
    from onetouch.extensions import db
    from onetouch.stats import helpers
    from onetouch.stats.filters import Filters

    with create_app().app_context():
        every = Filters()
        month = Filters(start=today() - timedelta(days=30))
        assert sum(row.signups for row in helpers.by_helper(db.session, "01", every)) \
            == options.users // 10
        results = {
            "all days": timed(options.runs, lambda: helpers.by_helper(db.session, "01", every)),
            "last 30 days": timed(options.runs,
                                  lambda: helpers.by_helper(db.session, "01", month)),
        }
    record = {"command": " ".join(sys.argv), "date": datetime.now(UTC).isoformat(),
              "machine": f"{platform.node()} {platform.processor() or platform.machine()}, "
                         f"{os.cpu_count()} cores", "load": os.getloadavg(),
              "users_per_province": options.users, "helpers_per_province": HELPERS,
              "without_index": options.without_index,
              "results": results}
    name = "assisted_stats_without_index" if options.without_index else "assisted_stats"
    out = ROOT / "benchmarks" / "results" / f"{name}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(record, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
