"""Timing of the admins' learner search (/admin/learners) on a database of demo learners.

    ONETOUCH_INSTANCE_PATH=/path/to/instance python benchmarks/learners.py --requests 200

The instance's SQLite database holds demo learners (``flask demo seed --learners 1000000``).
The script adds, once, what the searches need that the demo lacks: a province admin of Hà Nội
(01), a ministry admin, a learner with a phone number, and a national requirement of a demo
course for citizens past its deadline (so that "overdue" selects someone). Each admin logs in
through the form with Flask's test client; every case is requested a few times to warm up,
then ``--requests`` times, and the time of each whole request (routing, the queries, the page
rendered) is recorded, in wall time and in the process's CPU time (this machine is shared: the
CPU time leaves out the time spent waiting for a core; the database is in the page cache, so
it is close to what an idle machine takes). Writes p50/p99 per case to
benchmarks/results/learners.json, with the load average before and after.
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
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from onetouch import create_app
from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup, Role, User
from onetouch.accounts.services import Registration, register
from onetouch.content.models import Course
from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning.models import RequiredTraining

ROOT = Path(__file__).resolve().parent.parent
# A server of ``make run`` (gunicorn, preload_app) freezes what the master loaded before it
# forks a worker (gunicorn.conf.py, pre_fork), so a worker's full garbage collection does not
# scan the application's objects. Frozen here the same way after the app is made; without it
# (``--no-freeze``) about one request in a hundred carries a full collection, ~75 ms of CPU.
PASSWORD = "Trau-Vang!Song-Hong-27"  # noqa: S105  (throwaway benchmark accounts)
PEOPLE = {"province": "+84912700001", "ministry": "+84912700002", "learner": "+84912700003"}
CSRF_FIELD = r'name="csrf_token"[^>]*value="([^"]+)"'
WARM_UP = 3


def _person(phone: str, name: str, commune: Commune, audience: AudienceGroup) -> User:
    user = db.session.scalar(select(User).where(User.phone == phone))
    return user or register(db.session, Registration(
        full_name=name, phone=phone, email=None, password=PASSWORD,
        province_code=commune.province_code, commune_code=commune.code, audience=audience,
        consent=True))


def prepare() -> dict:
    """The accounts and the requirement, added once; what the cases search for."""
    commune = db.session.scalar(select(Commune).where(Commune.province_code == "01")
                                .order_by(Commune.code))
    province = _person(PEOPLE["province"], "Quản Trị Tỉnh Thử", commune,
                       AudienceGroup.CIVIL_SERVANT)
    roles.grant(db.session, province, Role.PROVINCE_ADMIN, "01")
    ministry = _person(PEOPLE["ministry"], "Quản Trị Bộ Thử", commune, AudienceGroup.CIVIL_SERVANT)
    roles.grant(db.session, ministry, Role.MINISTRY_ADMIN, None)
    _person(PEOPLE["learner"], "Đặng Thị Điện Thoại", commune, AudienceGroup.CITIZEN)
    if not db.session.scalar(select(func.count()).select_from(RequiredTraining)):
        course = db.session.scalar(select(Course).where(Course.archived_at.is_(None))
                                   .order_by(Course.id))
        db.session.add(RequiredTraining(
            course_id=course.id, audience=AudienceGroup.CITIZEN, province_code=None,
            starts_on=today() - timedelta(days=200), deadline=today() - timedelta(days=100),
            created_by_id=ministry.id))
    db.session.commit()
    learners = db.session.scalar(select(func.count()).select_from(User))
    # A demo learner of Hà Nội halfway through the ids: their e-mail, and their name.
    middle = db.session.scalar(select(User).where(User.is_demo, User.province_code == "01",
                                                  User.id >= learners // 2).order_by(User.id))
    return {"learners": learners, "email": middle.email, "name": middle.search_name}


def cases(found: dict) -> dict[str, str]:
    given = found["name"].split()[-1]
    return {
        "name, no diacritics (full)": f"/admin/learners?q={found['name'].replace(' ', '+')}",
        "name, no diacritics (given name)": f"/admin/learners?q={given}",
        "phone 0912 700 003": "/admin/learners?q=0912+700+003",
        "e-mail": f"/admin/learners?q={found['email']}",
        "province 01 + overdue": "/admin/learners?province=01&status=overdue",
        "province 01 + completed, page 100": "/admin/learners?province=01&status=completed"
                                              "&page=100",
        "province 01, by name, page 200": "/admin/learners?province=01&page=200",
        "province 01, newest first, page 50": "/admin/learners?province=01&sort=joined&dir=desc"
                                               "&page=50",
    }


def logged_in(app, phone: str):
    client = app.test_client()
    token = re.search(CSRF_FIELD, client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"identifier": phone, "password": PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"{phone} could not log in")
    return client


def timed(client, url: str, requests: int) -> dict:
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200, url
    times, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, url
    return {**_percentiles(times, "ms"), **_percentiles(cpu, "cpu_ms")}


def _percentiles(values: list[float], unit: str) -> dict:
    values = sorted(values)
    return {f"p50_{unit}": round(statistics.median(values), 1),
            f"p99_{unit}": round(values[min(len(values) - 1, int(len(values) * 0.99))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-freeze", action="store_true", help="leave the app's objects to "
                        "the garbage collector (a worker of make run freezes them)")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        found = prepare()
    if not args.no_freeze:
        gc.freeze()  # as gunicorn.conf.py's pre_fork does for each worker (above)
    results, load_before = {}, os.getloadavg()
    for role in ("province", "ministry"):
        client = logged_in(app, PEOPLE[role])
        for name, url in cases(found).items():
            results[f"{role}: {name}"] = {"url": url, **timed(client, url, args.requests)}
            print(role, name, results[f"{role}: {name}"], flush=True)
    report = {"command": f"python benchmarks/learners.py --requests {args.requests}"
                         + (" --no-freeze" if args.no_freeze else ""),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "users": found["learners"], "load_average_before_after": [load_before,
                                                                         os.getloadavg()],
              "results": results}
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "learners.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
