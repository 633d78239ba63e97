"""Compliance dashboard latency on a large demo database, measured in the process.

    python benchmarks/compliance.py                        # seeds 1,000,000 learners first
    python benchmarks/compliance.py --learners 200000
    python benchmarks/compliance.py --instance DIR         # DIR migrated, loaded and seeded
    python benchmarks/compliance.py --engine postgresql    # a throwaway durable server, seeded

Without ``--instance`` a scratch instance is migrated, loaded with the units, synced with
``courses/`` and seeded with ``flask demo seed`` (demo officials are confirmed). Then, once:
a ministry admin, a province admin of the province with the most commune officials, and two
nationwide requirements whose deadline passed 10 days ago (30 days' grace): one on commune
officials, one on citizens (the largest audience), each of the course its audience enrolled
in most. Each admin logs in through the form with Flask's test client, and each
page is requested ``--warmup`` times, then ``--requests`` times, timed by the wall clock
(``perf_counter``) around the whole request, and by the process's CPU time (``process_time``,
what the request itself cost: the noise of a shared machine only adds to the wall clock):
the national view (ministry), the province view (province admin), the list of those not yet
completed at 90 % of its pages, that list's CSV export, and the national table's XLSX export;
then the same for the requirement on citizens, but for the CSV export (tens of thousands of
rows).
Every page is measured with ``COMPLIANCE_CACHE_SECONDS`` at 0 (the default: counted on every
request, from the running counts of ``learning/tallies.py``), then the officials' two views and
the citizens' national view again with a minute's copy kept in the process
(``learning/compliance_cache.py``, the setting at 60).
Writes benchmarks/results/compliance.json (compliance_postgresql.json).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pgserver
from servers import shared_keys

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Trau-Vang!Song-Hong-27"  # noqa: S105  (throwaway benchmark accounts)
MINISTRY, PROVINCE = "+84912000901", "+84912000902"
CSRF_FIELD = r'name="csrf_token"[^>]*value="([^"]+)"'


def flask(env: dict, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "onetouch", *args], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout


def seed(instance: str, learners: int, database: dict) -> dict:
    env = {**os.environ, "ONETOUCH_INSTANCE_PATH": instance, **database}
    if not database:
        env.pop("DATABASE_URL", None)
    for step in (("db", "upgrade"), ("geo", "load"), ("courses", "sync")):
        flask(env, *step)
    started = time.perf_counter()
    output = flask(env, "demo", "seed", "--learners", str(learners))
    return {"seed_output": output.strip(), "seed_seconds": round(time.perf_counter() - started)}


def _admin(session, phone: str, name: str, role, province: str | None):
    from sqlalchemy import select

    from onetouch.accounts import roles
    from onetouch.accounts.models import AudienceGroup, User
    from onetouch.accounts.services import Registration, register
    from onetouch.geo.models import Commune

    user = session.scalar(select(User).where(User.phone == phone))
    if user is None:
        commune = session.scalar(select(Commune).where(Commune.province_code == (
            province or "01")).order_by(Commune.code))
        user = register(session, Registration(
            full_name=name, phone=phone, email=None, password=PASSWORD,
            province_code=commune.province_code, commune_code=commune.code,
            audience=AudienceGroup.CIVIL_SERVANT, consent=True))
        roles.grant(session, user, role, province)
    return user


def _requirement(session, ministry, audience):
    """The ministry's nationwide requirement on ``audience`` (made once, found again on a
    reused instance): the course that audience enrolled in most, its deadline 10 days ago."""
    from sqlalchemy import func, select

    from onetouch.core.clock import today
    from onetouch.learning.models import Enrolment, RequiredTraining

    requirement = session.scalar(select(RequiredTraining).where(
        RequiredTraining.created_by_id == ministry.id, RequiredTraining.audience == audience))
    if requirement is None:
        course_id = session.scalar(
            select(Enrolment.course_id).where(Enrolment.audience == audience)
            .group_by(Enrolment.course_id).order_by(func.count().desc()).limit(1))
        requirement = RequiredTraining(
            course_id=course_id, audience=audience, province_code=None,
            starts_on=today() - timedelta(days=90), deadline=today() - timedelta(days=10),
            created_by_id=ministry.id)
        session.add(requirement)
        session.flush()
    return requirement


def prepare(app) -> dict:
    """The admins, and the requirements on commune officials and on citizens."""
    from sqlalchemy import func, select

    from onetouch.accounts.models import AudienceGroup, Role, User
    from onetouch.core.clock import today
    from onetouch.extensions import db
    from onetouch.learning import compliance

    official, citizen = AudienceGroup.COMMUNE_OFFICIAL, AudienceGroup.CITIZEN
    with app.app_context():
        session = db.session
        largest = session.execute(
            select(User.province_code, func.count()).where(User.audience == official)
            .group_by(User.province_code).order_by(func.count().desc()).limit(1)).one()
        ministry = _admin(session, MINISTRY, "Hồ Quản Bộ", Role.MINISTRY_ADMIN, None)
        _admin(session, PROVINCE, "Võ Quản Tỉnh", Role.PROVINCE_ADMIN, largest[0])
        requirement = _requirement(session, ministry, official)
        on_citizens = _requirement(session, ministry, citizen)
        session.commit()
        pages = {found.id: compliance.learners_page(session, found, largest[0], today(),
                                                    "pending").pages
                 for found in (requirement, on_citizens)}
        audience = {group.value: session.scalar(select(func.count()).select_from(User)
                                                .where(User.audience == group))
                    for group in (official, citizen)}
        return {"requirement": requirement.id, "citizens_requirement": on_citizens.id,
                "province": largest[0], "province_officials": largest[1],
                "pending_pages": pages[requirement.id],
                "citizens_pending_pages": pages[on_citizens.id],
                "officials": audience[official.value], "citizens": audience[citizen.value],
                "learners": session.scalar(select(func.count()).select_from(User))}


def logged_in(app, phone: str):
    client = app.test_client()
    token = re.search(CSRF_FIELD, client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"identifier": phone, "password": PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"{phone} could not log in")
    return client


def timed(client, url: str, warmup: int, requests: int) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    times, cpu = [], []
    size = 0
    for _ in range(requests):
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        size = len(response.data)  # read inside the timing: exports stream their body
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    times.sort()
    cpu.sort()
    return {"url": url, "bytes": size, "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(_p99(times), 1), "max_ms": round(times[-1], 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1), "cpu_p99_ms": round(_p99(cpu), 1)}


def _p99(ordered: list[float]) -> float:
    """The value 99 % of the requests stayed at or under (nearest rank)."""
    return ordered[max(0, -(-len(ordered) * 99 // 100) - 1)]


def measure(instance: str, args, database: dict) -> dict:
    os.environ["ONETOUCH_INSTANCE_PATH"] = instance
    os.environ["ONETOUCH_RATELIMIT_ENABLED"] = "false"
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(database)
    from onetouch import create_app

    app = create_app()
    facts = {"load_average_before": os.getloadavg(), **prepare(app)}
    gc.freeze()  # as gunicorn.conf.py's pre_fork does for each worker (see learners.py)
    ministry, province = logged_in(app, MINISTRY), logged_in(app, PROVINCE)
    base, code = f"/admin/required/{facts['requirement']}", facts["province"]
    deep = max(1, int(facts["pending_pages"] * 0.9))
    pages = {
        "national_view": (ministry, f"{base}?province="),
        "province_view": (province, f"{base}?province={code}"),
        "province_view_sorted_by_percent": (province, f"{base}?province={code}&sort=percent"),
        "pending_list_deep_page": (province, f"{base}/pending?province={code}&page={deep}"),
        "overdue_list_first_page": (province, f"{base}/overdue?province={code}"),
        "pending_list_csv_export": (province, f"{base}/pending/export.csv?province={code}"),
        "national_table_xlsx_export": (ministry, f"{base}/export.xlsx?province="),
    }
    # The same dashboard for a requirement on every citizen (the largest audience); its lists'
    # exports are downloads of tens of thousands of rows, left out.
    citizens = f"/admin/required/{facts['citizens_requirement']}"
    deep = max(1, int(facts["citizens_pending_pages"] * 0.9))
    pages.update({
        "citizens_national_view": (ministry, f"{citizens}?province="),
        "citizens_province_view": (province, f"{citizens}?province={code}"),
        "citizens_pending_list_deep_page": (
            province, f"{citizens}/pending?province={code}&page={deep}"),
        "citizens_overdue_list_first_page": (province, f"{citizens}/overdue?province={code}"),
        "citizens_pending_list_by_name": (
            province, f"{citizens}/pending?province={code}&sort=name&page=2"),
        "citizens_pending_list_by_name_deep_page": (
            province, f"{citizens}/pending?province={code}&sort=name&page={deep}"),
        "citizens_national_table_xlsx_export": (ministry, f"{citizens}/export.xlsx?province="),
    })
    # Every page counted afresh on each request (the default), then the dashboard's two views
    # from a copy kept in the process for a minute (the setting at 60).
    app.config["COMPLIANCE_CACHE_SECONDS"] = 0
    results = {name: timed(client, url, args.warmup, args.requests)
               for name, (client, url) in pages.items()}
    app.config["COMPLIANCE_CACHE_SECONDS"] = 60
    for name in ("national_view", "province_view", "citizens_national_view"):
        client, url = pages[name]
        results[f"{name}_from_the_minute_copy"] = timed(client, url, args.warmup, args.requests)
    return {**facts, "load_average_after": os.getloadavg(), "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--instance", help="an instance folder already seeded (skips seeding)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: a throwaway durable server (pgserver.py), seeded")
    args = parser.parse_args()
    if args.engine == "postgresql" and args.instance:
        raise SystemExit("--instance is SQLite's: PostgreSQL is seeded afresh each run")
    server = pgserver.start() if args.engine == "postgresql" else None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            database = {"DATABASE_URL": server.create("compliance"),
                        **shared_keys()} if server else {}
            seeded = {"seed_output": "reused the seeded instance"} if args.instance else seed(
                scratch, args.learners, database)
            run = {**seeded, **measure(args.instance or scratch, args, database)}
            engine = f"PostgreSQL {server.version()}" if server else (
                f"SQLite {sqlite3.sqlite_version}")
    finally:
        if server:
            server.stop()
    given = [("DIR" if value == args.instance else value) for value in sys.argv[1:]]
    report = {"command": "python benchmarks/compliance.py " + " ".join(given),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                         f"{platform.python_version()}, {engine}",
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "run": run}
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    name = "compliance" + ("_postgresql" if server else "") + ".json"
    (ROOT / "benchmarks" / "results" / name).write_text(
        json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
