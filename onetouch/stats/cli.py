"""``flask stats rebuild`` and ``flask stats check``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from onetouch.extensions import db
from onetouch.stats import rollups


@click.group("stats", help="Statistics rollups.")
def stats_cli() -> None:
    """Command group."""


@stats_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recount every rollup from the raw tables, in one transaction."""
    rollups.rebuild(db.session)
    db.session.commit()
    click.echo("statistics rebuilt")


@stats_cli.command("check")
@click.option("--limit", default=50, show_default=True, help="Differences shown per table.")
@with_appcontext
def check_command(limit: int) -> None:
    """Compare the rollups with a recount of the raw tables; exit 1 on any difference."""
    differences = rollups.check(db.session, limit)
    for difference in differences:
        click.echo(str(difference), err=True)
    if differences:
        raise click.ClickException(f"{len(differences)} difference(s) between rollups and raw rows")
    click.echo("statistics agree with the raw rows")


@click.group("demo", help="Synthetic data for trying OneTouch out and measuring it.")
def demo_cli() -> None:
    """Command group."""


@demo_cli.command("seed")
@click.option("--learners", type=click.IntRange(1, 50_000_000), required=True)
@click.option("--seed", "seed_value", type=int, default=1, show_default=True)
@click.option("--force", is_flag=True, help="Add demo data to a database with real users.")
@with_appcontext
def seed_command(learners: int, seed_value: int, force: bool) -> None:
    """Insert synthetic learners with enrolments, progress, attempts and certificates."""
    import time

    from onetouch.stats import demo

    started = time.perf_counter()
    try:
        counts = demo.seed(db.session, learners, seed_value, force)  # commits
    except demo.DemoError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    seconds = time.perf_counter() - started
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items()))
    click.echo(f"{seconds:.1f} s, {learners / seconds:,.0f} learners/s (rollups included)")
