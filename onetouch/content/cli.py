"""``flask courses``: validate and load the course library."""

import click
from flask.cli import with_appcontext


@click.group("courses", help="The course library in courses/.")
def courses_cli() -> None:
    """Command group."""


@courses_cli.command("sync")
@click.argument("path", required=False)
@with_appcontext
def sync_command(path: str | None) -> None:
    """Load the courses into the database (the content engine comes with its own issue)."""
    click.echo("courses: the content engine is not built yet; nothing to sync.")
