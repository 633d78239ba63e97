"""``flask geo load``: load the administrative units."""

import click
from flask.cli import with_appcontext

from onetouch.extensions import db
from onetouch.geo.services import load_units


@click.group("geo", help="Administrative units (provinces and communes).")
def geo_cli() -> None:
    """Command group."""


@geo_cli.command("load")
@with_appcontext
def load_command() -> None:
    """Load provinces, communes and the pre-2025 provinces; safe to run again."""
    report = load_units(db.session)
    db.session.commit()
    for table in ("provinces", "communes", "legacy_provinces"):
        click.echo(
            f"{table}: {report.added.get(table, 0)} added, "
            f"{report.updated.get(table, 0)} updated, "
            f"{report.unchanged.get(table, 0)} unchanged"
        )
