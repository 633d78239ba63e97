"""``flask notify deliver`` (the worker, from cron or long-running) and ``flask notify schedule``
(the day's deadline reminders)."""

from __future__ import annotations

import signal
import threading
from datetime import date

import click
from flask.cli import with_appcontext

from onetouch.core.clock import today
from onetouch.extensions import db
from onetouch.notifications import delivery
from onetouch.notifications.schedule import schedule


@click.group("notify", help="Notifications: deliver the outbox, schedule reminders.")
def notify_cli() -> None:
    """Command group."""


@notify_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due, then exit (for cron).")
@click.option("--batch", default=50, show_default=True, type=click.IntRange(1, 1000),
              help="Messages claimed at a time.")
@click.option("--poll", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds to wait when nothing is due (long-running mode).")
@with_appcontext
def deliver_command(once: bool, batch: int, poll: float) -> None:
    """Send due e-mail and SMS; without --once, keep polling until SIGTERM or Ctrl-C."""
    stop = threading.Event()
    if not once:
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
    while True:
        tally = delivery.deliver_due(db.session, batch, stop)
        if tally.handled:
            click.echo(f"sent {tally.sent}, retry later {tally.retried}, failed {tally.failed}, "
                       f"skipped {tally.skipped}")
        for error in tally.errors:
            click.echo(f"error: {error}", err=True)
        if once or stop.wait(poll):
            break
    db.session.remove()


@notify_cli.command("schedule")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day (YYYY-MM-DD; default: today in Việt Nam).")
@with_appcontext
def schedule_command(day) -> None:
    """Enqueue the day's reminders, one digest per learner; running it again adds nothing."""
    on: date = day.date() if day else today()
    done = schedule(db.session, on)
    db.session.commit()
    click.echo(f"{on.isoformat()}: {done.reminders} reminder(s), {done.digests} new digest(s)")
