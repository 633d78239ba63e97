"""OneTouch behind PgBouncer in transaction pooling mode, as docs/capacity.md proposes for
many nodes: each transaction may reach a different server connection, so nothing may live in
a connection between transactions. psycopg's prepared statements do (PgBouncer before 1.21
does not carry them over): ``DATABASE_PREPARED_STATEMENTS = False`` turns them off."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from onetouch.extensions import db
from onetouch.learning.models import ModuleProgress
from tests.fixtures.apps import build_app
from tests.pgbouncer import running_pgbouncer, through

pytestmark = pytest.mark.engines("postgresql")

COURSE = "/courses/mau-khoa-hoc"
COUNT = text("SELECT count(*) FROM courses")


@pytest.fixture
def pooled_url(database_url):
    with running_pgbouncer(database_url, pool_size=2) as port:
        yield through(database_url, port)


def interleaved(app) -> list[int]:
    """Connection B runs one statement often enough for psycopg to prepare it (its sixth
    run) while A holds the other server connection; then B's next transactions reach the
    server connection A released last (PgBouncer reuses the most recent one)."""
    with app.app_context():
        try:
            with db.engine.connect() as a, db.engine.connect() as b:
                a.execute(text("SELECT 1"))
                counts = [b.execute(COUNT).scalar_one() for _ in range(6)]
                b.commit()
                a.commit()
                for _ in range(2):
                    counts.append(b.execute(COUNT).scalar_one())
                    b.commit()
        finally:
            db.engine.dispose()
    return counts


def test_prepared_statements_break_behind_transaction_pooling(pooled_url, synced_library):
    app = build_app(pooled_url)
    with pytest.raises(ProgrammingError, match="prepared statement .* does not exist"):
        interleaved(app)


def test_without_prepared_statements_each_transaction_may_move(pooled_url, synced_library):
    app = build_app(pooled_url, DATABASE_PREPARED_STATEMENTS=False)
    counts = interleaved(app)
    assert len(counts) == 8
    assert len(set(counts)) == 1
    assert counts[0] > 0


@pytest.fixture
def app(pooled_url):
    """The app through the pooler, as a node behind PgBouncer is configured."""
    app = build_app(pooled_url, DATABASE_PREPARED_STATEMENTS=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_learner_journey_through_the_pooler(app, synced_library, make_user, login):
    client = login(app.test_client(), make_user())
    assert client.post(f"{COURSE}/enrol").status_code == 302
    assert client.post(f"{COURSE}/thuc-hanh/done").status_code == 302
    for _ in range(7):  # beyond psycopg's threshold of five runs of each statement
        assert "Khóa học mẫu về dịch vụ công" in client.get("/my/learning").get_data(
            as_text=True)
        assert client.get("/search?q=dich+vu+cong").status_code == 200
    with app.app_context():
        done = db.session.scalars(select(ModuleProgress.completed_at)).all()
    assert len(done) == 1
    assert done[0] is not None
