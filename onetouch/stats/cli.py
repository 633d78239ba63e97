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

