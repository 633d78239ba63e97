"""``flask demo seed``."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from onetouch.demo import services
from onetouch.demo.learners import DemoError
from onetouch.extensions import db


@click.group("demo", help="Synthetic data for trying OneTouch out and measuring it.")
def demo_cli() -> None:
    """Command group."""


@demo_cli.command("seed")
@click.option("--learners", type=click.IntRange(1, 50_000_000), required=True)
@click.option("--seed", "seed_value", type=int, default=1, show_default=True)
@click.option("--force", is_flag=True, help="Add demo data to a database with real users.")
@with_appcontext
def seed_command(learners: int, seed_value: int, force: bool) -> None:
    """Insert synthetic learners with enrolments, progress, attempts and certificates, and
    recount the statistics, in one transaction."""
    started = time.perf_counter()
    try:
        counts = services.seed(db.session, learners, seed_value, force)
        db.session.commit()
    except DemoError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    except BaseException:
        db.session.rollback()
        raise
    seconds = time.perf_counter() - started
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items()))
    click.echo(f"{seconds:.1f} s, {learners / seconds:,.0f} learners/s (rollups included)")
    _vacuum()


def _vacuum() -> None:
    """PostgreSQL, as after any bulk load: the running counts were updated once a row seeded
    (1.6 million dead row versions for a million learners, which the compliance figures read
    through until autovacuum comes) and the planner has no statistics of the new rows yet
    (it then joined every enrolment of a course where it needed a few thousand). SQLite is
    left without statistics, as the benchmarks measure it."""
    if db.engine.dialect.name != "postgresql":
        return
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")
    click.echo(f"vacuumed and analysed in {time.perf_counter() - started:.1f} s")
