"""``flask users``: create administrators and grant roles from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from onetouch.accounts import logins, roles, services, throttle
from onetouch.accounts.models import AudienceGroup, Role, RoleGrant, User
from onetouch.core.operator import command_line_actor
from onetouch.extensions import db
from onetouch.geo.models import Commune

ROLE_NAMES = {"province-admin": Role.PROVINCE_ADMIN, "ministry-admin": Role.MINISTRY_ADMIN}


@click.group("users", help="Accounts and administrative roles.")
def users_cli() -> None:
    """Command group."""


@users_cli.command("create-admin")
@click.option("--name", required=True, help="Full name.")
@click.option("--phone", help="Vietnamese mobile number.")
@click.option("--email", help="E-mail address.")
@click.option("--commune", "commune_code", required=True, help="Commune code, e.g. 00004.")
@click.password_option(help="Asked for when not given (never put it in shell history).")
@with_appcontext
def create_admin(name, phone, email, commune_code, password) -> None:
    """Create a ministry admin account."""
    commune = db.session.get(Commune, commune_code)
    if commune is None:
        raise click.ClickException(f"no commune with code {commune_code}")
    data = services.Registration(full_name=name, phone=phone, email=email, password=password,
                                 province_code=commune.province_code, commune_code=commune.code,
                                 audience=AudienceGroup.CIVIL_SERVANT, consent=True)
    try:
        user = services.register(db.session, data, consent_later=True)
        roles.grant(db.session, user, Role.MINISTRY_ADMIN, None,
                    granted_from=command_line_actor())
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"ministry admin created: user {user.id}")


BY_HELP = ("Phone or e-mail of the ministry admin on whose behalf this is done; recorded with "
           "the system account that ran the command.")


def _user(login: str) -> User:
    user = services.find_by_login(db.session, login)
    if user is None:
        raise click.ClickException(f"no user with phone or e-mail {login}")
    return user


def _granter(login: str | None) -> User | None:
    """The ministry admin named with --by, who must hold that role now."""
    if not login:
        return None
    admin = _user(login)
    if not roles.is_ministry_admin(admin):
        raise click.ClickException(f"{login} is not a ministry admin")
    return admin


def _role(role_name: str, province_code: str | None) -> Role:
    role = ROLE_NAMES[role_name]
    if role is Role.PROVINCE_ADMIN and not province_code:
        raise click.ClickException("a province admin needs --province")
    return role


@users_cli.command("grant")
@click.option("--role", "role_name", type=click.Choice(sorted(ROLE_NAMES)), required=True)
@click.option("--province", "province_code", help="Province code for a province admin, e.g. 01.")
@click.option("--by", "by_login", help=BY_HELP)
@click.argument("login")
@with_appcontext
def grant_command(role_name: str, province_code: str | None, by_login: str | None,
                  login: str) -> None:
    """Grant a role to the user whose phone or e-mail is LOGIN. The grant and its audit entry
    record who granted it: the admin given with --by, and the system account that ran this."""
    user, granter, role = _user(login), _granter(by_login), _role(role_name, province_code)
    try:
        roles.grant(db.session, user, role, province_code, granted_by=granter,
                    granted_from=command_line_actor())
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.message} ({province_code})") from None
    db.session.commit()
    scope = f" of province {province_code}" if role is Role.PROVINCE_ADMIN else ""
    click.echo(f"user {user.id} is now {role_name}{scope}")


@users_cli.command("revoke")
@click.option("--role", "role_name", type=click.Choice(sorted(ROLE_NAMES)), required=True)
@click.option("--province", "province_code", help="Province code for a province admin, e.g. 01.")
@click.option("--by", "by_login", help=BY_HELP)
@click.argument("login")
@with_appcontext
def revoke_command(role_name: str, province_code: str | None, by_login: str | None,
                   login: str) -> None:
    """Revoke a role of the user whose phone or e-mail is LOGIN; the grant stays, with who
    revoked it, from where, and when."""
    user, revoker, role = _user(login), _granter(by_login), _role(role_name, province_code)
    scope = province_code if role is Role.PROVINCE_ADMIN else None
    held = db.session.scalar(select(RoleGrant).where(
        RoleGrant.user_id == user.id, RoleGrant.role == role, RoleGrant.revoked_at.is_(None),
        RoleGrant.province_code == scope if scope else RoleGrant.province_code.is_(None)))
    if held is None:
        raise click.ClickException(f"user {user.id} does not hold that role")
    roles.revoke(db.session, held, revoked_by=revoker, revoked_from=command_line_actor())
    db.session.commit()
    click.echo(f"user {user.id} is no longer {role_name}" +
               (f" of province {scope}" if scope else ""))


@users_cli.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete sessions that can never open again and counted attempts older than an hour
    (run it daily from cron; log-ins tidy each user's own sessions as they go)."""
    sessions, attempts = logins.purge(db.session), throttle.purge(db.session)
    db.session.commit()
    click.echo(f"deleted {sessions} ended session(s) and {attempts} counted attempt(s)")
