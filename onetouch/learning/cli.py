"""``flask learning repair``: complete the courses whose rules are met."""

import click
from flask.cli import with_appcontext

from onetouch.extensions import db
from onetouch.learning.repair import repair_completions


@click.group("learning", help="Enrolments and progress.")
def learning_cli() -> None:
    """Command group."""


@learning_cli.command("repair")
@with_appcontext
def repair_command() -> None:
    """Complete enrolments whose modules and final exam are done; safe to run again."""
    completed = repair_completions(db.session)
    db.session.commit()
    click.echo(f"{completed} enrolment(s) completed")
