"""``flask users purge-inactive``: the retention rule for accounts nobody uses."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import RoleGrant, User
from onetouch.core import clock
from onetouch.extensions import db
from onetouch.privacy import erasure


def inactive(session: Session, years: float) -> list[User]:
    """Accounts with no log-in (nor, never having logged in, a sign-up) for ``years``, that
    hold no role (an administrator's account ends with the revocation of their roles), and
    are neither deleted nor demo rows (``flask demo`` removes those)."""
    cutoff = clock.now() - timedelta(days=365.25 * years)
    live_role = select(RoleGrant.id).where(RoleGrant.user_id == User.id,
                                           RoleGrant.revoked_at.is_(None)).exists()
    return list(session.scalars(select(User).where(
        func.coalesce(User.last_login_at, User.created_at) < cutoff,
        User.deleted_at.is_(None), User.is_demo.is_(False), ~live_role).order_by(User.id)))


@click.command("purge-inactive")
@click.option("--dry-run", is_flag=True, help="Count the accounts; change nothing.")
@with_appcontext
def purge_inactive(dry_run: bool) -> None:
    """Anonymise accounts unused for INACTIVE_ACCOUNT_YEARS, as a deletion does: statistics
    and issued certificates stay as they are. Run it monthly from cron."""
    years = float(current_app.config["INACTIVE_ACCOUNT_YEARS"])
    found = inactive(db.session, years)
    if dry_run:
        click.echo(f"{len(found)} account(s) unused for {years:g} years would be anonymised")
        return
    for user in found:
        erasure.delete_account(db.session, user, erasure.Reason.INACTIVE)
    db.session.commit()
    click.echo(f"anonymised {len(found)} account(s) unused for {years:g} years")
