"""``flask learning repair``; ``flask compliance check`` and ``flask compliance rebuild``."""

import click
from flask.cli import with_appcontext

from onetouch.extensions import db
from onetouch.learning import tallies
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


@click.group("compliance", help="The running counts behind the compliance dashboard.")
def compliance_cli() -> None:
    """Command group."""


@compliance_cli.command("check")
@click.option("--limit", default=50, show_default=True, help="Differences shown at most.")
@with_appcontext
def check_command(limit: int) -> None:
    """Compare the counts with a recount of learners and enrolments; exit 1 on a difference."""
    differences = tallies.check(db.session, limit)
    for difference in differences:
        click.echo(str(difference), err=True)
    if differences:
        raise click.ClickException(
            f"{len(differences)} difference(s) between the compliance counts and the raw rows")
    click.echo("compliance counts agree with the raw rows")


@compliance_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recount both tables from learners and enrolments, in one transaction."""
    tallies.rebuild(db.session)
    db.session.commit()
    click.echo("compliance counts rebuilt")
