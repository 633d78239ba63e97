"""``flask quizzes finalise``: grade the attempts whose time ran out. ``flask quizzes fold``:
apply the completions of passed attempts, with ``COMPLETIONS = "queued"``."""

import time

import click
from flask.cli import with_appcontext

from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.quizzes import fold
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


@quizzes_cli.command("fold")
@click.option("--batch", default=fold.BATCH, show_default=True, type=click.IntRange(1, 10_000),
              help="Attempts completed in one transaction.")
@click.option("--once", is_flag=True, help="Empty the queue once and stop (cron, a test).")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="Seconds to wait when the queue is empty.")
@with_appcontext
def fold_command(batch: int, once: bool, interval: float) -> None:
    """Complete the modules and courses (and issue the certificates) of passed attempts
    queued by COMPLETIONS = "queued", a batch per transaction, oldest first.

    It keeps running, the worker a queued deployment runs beside its web servers, on as many
    machines as needed (on PostgreSQL each takes attempts the others do not hold); stopped
    mid-batch, the batch rolls back and stays queued. With --once it empties the queue and
    stops.
    """
    done = 0
    while True:
        folded = fold.fold(db.session, batch)
        db.session.commit()
        done += folded.done
        if folded.taken == batch and folded.done:
            continue  # more may wait
        if once:
            break
        time.sleep(interval)
    click.echo(f"{done} completion(s) applied; {fold.pending(db.session)} still queued")
