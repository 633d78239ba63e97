"""``flask quizzes finalise``: grade the attempts whose time ran out."""

import click
from flask.cli import with_appcontext

from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.quizzes.services import finalise_late


@click.group("quizzes", help="Quiz attempts.")
def quizzes_cli() -> None:
    """Command group."""


@quizzes_cli.command("finalise")
@with_appcontext
def finalise_command() -> None:
    """Grade open attempts past their time limit, as the quiz's timeout rule says.

    Pages never write, so an attempt left open past its deadline is closed by the learner's
    next submission or by this command (run it from cron, e.g. every few minutes).
    """
    closed = finalise_late(db.session, utcnow())
    db.session.commit()
    click.echo(f"{closed} late attempt(s) closed")
