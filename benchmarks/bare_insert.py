"""The write baseline: a bare Flask endpoint that does one INSERT per request, in a
transaction of its own, on the database OneTouch uses (``DATABASE_URL``, or the SQLite file
in ``ONETOUCH_INSTANCE_PATH``), served by gunicorn with the same settings.

It connects as OneTouch does (SQLAlchemy, the same driver, ``pool_pre_ping``; on SQLite the
same pragmas: WAL, busy timeout, synchronous=NORMAL, from ``onetouch.db``), so the comparison
measures what the quiz-submit path adds to one committed write: the framework, the session,
the rules, the other statements and any waiting on locks.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine

# gunicorn.conf.py's post_fork imports wsgi in every worker: loaded once here, in the master,
# as for OneTouch, rather than built again by each of 64 workers.
import onetouch.db  # noqa: F401  (the SQLite connection pragmas OneTouch uses)
import wsgi  # noqa: F401


def database_url() -> str:
    url = os.environ.get("ONETOUCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{os.environ['ONETOUCH_INSTANCE_PATH']}/onetouch.sqlite3"


metadata = MetaData()
hits = Table("bench_inserts", metadata, Column("id", Integer, primary_key=True),
             Column("at", DateTime(timezone=True)), Column("note", String(200)))
engine = create_engine(database_url(), pool_pre_ping=True)
metadata.create_all(engine)
engine.dispose()  # loaded in gunicorn's master: each worker opens its own connections

app = Flask(__name__)


@app.post("/")
def insert() -> tuple[str, int]:
    with engine.begin() as connection:
        connection.execute(hits.insert().values(at=datetime.now(UTC),
                                                note=request.form.get("note", "")))
    return "", 204
