"""The outbox at the scale of a national requirement, on SQLite (or ``--database-url``).

    python benchmarks/notify_outbox.py                      # 100,000 confirmed officials
    python benchmarks/notify_outbox.py --learners 20000 --deliver 2000

A fresh database is migrated, loaded with the units and synced with ``courses/``; the officials
are written as raw rows (confirmed, a phone each, an e-mail for every other one). Then, each
timed on its own: a ministry admin requires a course of every official (the receiver's
``INSERT ... SELECT`` per channel, in the requirement's transaction, committed), the schedule
run 7 days before the deadline (a mark per official, then the digests), the same schedule run
again (nothing to add), and the worker delivering ``--deliver`` SMS through a gateway that
does nothing (what the worker itself costs per message: claim, lease renewal, mark sent).
Writes benchmarks/results/notify_outbox.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class NullGateway:
    def __init__(self, config) -> None:
        pass

    def send(self, phone: str, text: str) -> None:
        pass


def build(database_url: str, learners: int):
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from onetouch import create_app
    from onetouch.accounts.models import AudienceGroup, Role, User
    from onetouch.accounts.roles import grant
    from onetouch.extensions import db
    from onetouch.geo.models import Commune
    from onetouch.geo.services import load_units

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x" * 40, "TESTING": True,
                      "NOTIFY_SMS_GATEWAY": "benchmarks.notify_outbox:NullGateway",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        load_units(db.session)
        db.session.commit()
    synced = app.test_cli_runner().invoke(args=["courses", "sync"])
    assert synced.exit_code == 0, synced.output
    with app.app_context():
        communes = db.session.execute(select(Commune.code, Commune.province_code)).all()
        now = datetime.now(UTC) - timedelta(days=90)
        rows = [{"full_name": f"Cán bộ {n}", "phone": f"+8491{n:08d}",
                 "email": f"cb{n}@example.vn" if n % 2 else None, "password_hash": "x",
                 "province_code": communes[n % len(communes)][1],
                 "commune_code": communes[n % len(communes)][0],
                 "audience": AudienceGroup.COMMUNE_OFFICIAL, "position": "Công chức",
                 "consent_at": now, "created_at": now, "official_confirmed_at": now}
                for n in range(learners)]
        for start in range(0, learners, 10_000):
            db.session.execute(insert(User), rows[start:start + 10_000])
        admin = User(full_name="Bộ", email="bo@example.vn", password_hash="x",  # noqa: S106
                     province_code="01", commune_code=communes[0][0],
                     audience=AudienceGroup.CITIZEN, consent_at=now)
        db.session.add(admin)
        db.session.flush()
        grant(db.session, admin, Role.MINISTRY_ADMIN, None)
        db.session.commit()
        return app, admin.id


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return round(time.perf_counter() - start, 3)


def run(app, admin_id: int, deliver: int) -> dict:
    from sqlalchemy import func, select

    from onetouch.accounts.models import AudienceGroup, User
    from onetouch.content.models import Course
    from onetouch.core.clock import today
    from onetouch.extensions import db
    from onetouch.learning import lifecycle
    from onetouch.notifications import delivery
    from onetouch.notifications.models import Notification
    from onetouch.notifications.schedule import schedule

    deadline = today() + timedelta(days=37)
    with app.app_context():
        def assign():
            lifecycle.assign(db.session, db.session.get(User, admin_id),
                             db.session.scalar(select(Course)), today() - timedelta(days=1),
                             lifecycle.Terms(AudienceGroup.COMMUNE_OFFICIAL, None, deadline))
            db.session.commit()

        def remind():
            schedule(db.session, deadline - timedelta(days=7))
            db.session.commit()

        def send():
            tally = delivery.Tally()
            while tally.handled < deliver:
                token, ids = delivery.claim(db.session, 50, delivery.clock.now())
                for note_id in ids:
                    delivery.deliver_one(db.session, token, note_id, tally)

        figures = {"assign_seconds": timed(assign)}
        figures["outbox_rows_after_assign"] = db.session.scalar(
            select(func.count()).select_from(Notification))
        figures["schedule_seconds"] = timed(remind)
        figures["schedule_again_seconds"] = timed(remind)
        figures["outbox_rows_after_schedule"] = db.session.scalar(
            select(func.count()).select_from(Notification))
        seconds = timed(send)
        figures.update(deliver_messages=deliver, deliver_seconds=seconds,
                       deliver_per_second=round(deliver / seconds))
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'outbox.sqlite3'}"
        app, admin_id = build(url, args.learners)
        figures = run(app, admin_id, args.deliver)
    result = {"command": " ".join(sys.argv), "machine": platform.platform(),
              "python": platform.python_version(), "cpus": __import__("os").cpu_count(),
              "date": datetime.now(UTC).isoformat(timespec="seconds"),
              "engine": url.split(":")[0], "learners": args.learners, **figures}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = ROOT / "benchmarks" / "results" / "notify_outbox.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
