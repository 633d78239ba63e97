"""Roles granted and revoked on the command line record who did it: the ministry admin named
with --by, and the system account that ran the command, in the grant and in the audit log."""

from __future__ import annotations

import getpass

from sqlalchemy import select

from onetouch.accounts.models import RoleGrant
from onetouch.audit.models import Action, AuditEntry
from onetouch.extensions import db

SHELL = f"Dòng lệnh ({getpass.getuser()})"


def _grants(app) -> list[RoleGrant]:
    with app.app_context():
        rows = db.session.scalars(select(RoleGrant).order_by(RoleGrant.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _entries(app) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.actor_name,
                   AuditEntry.details).order_by(AuditEntry.id))]


def test_a_grant_by_a_named_ministry_admin_records_both(app, runner, make_user):
    admin = make_user(full_name="Bà Quản Trị", email="bo@example.vn", role="ministry_admin")
    make_user(phone="+84912000777")
    result = runner.invoke(args=["users", "grant", "--role", "province-admin", "--province",
                                 "01", "--by", "bo@example.vn", "0912000777"])
    assert result.exit_code == 0, result.output
    grant = _grants(app)[-1]
    assert (grant.granted_by_id, grant.granted_from) == (admin, SHELL)
    action, actor_id, actor_name, details = _entries(app)[-1]
    assert (action, actor_id, actor_name) == (Action.ROLE_GRANTED, admin, "Bà Quản Trị")
    assert details.endswith(f"({SHELL})")


def test_a_grant_without_by_names_the_system_account(app, runner, make_user):
    make_user(phone="+84912000777")
    result = runner.invoke(args=["users", "grant", "--role", "ministry-admin", "0912000777"])
    assert result.exit_code == 0, result.output
    [grant] = _grants(app)
    assert (grant.granted_by_id, grant.granted_from) == (None, SHELL)
    [(action, actor_id, actor_name, _)] = _entries(app)
    assert (action, actor_id, actor_name) == (Action.ROLE_GRANTED, None, SHELL)


def test_by_must_name_a_ministry_admin(app, runner, make_user):
    make_user(email="hoc@example.vn")
    make_user(phone="+84912000777")
    result = runner.invoke(args=["users", "grant", "--role", "ministry-admin", "--by",
                                 "hoc@example.vn", "0912000777"])
    assert result.exit_code == 1
    assert "is not a ministry admin" in result.output
    assert _grants(app) == []
    assert _entries(app) == []


def test_a_revocation_keeps_the_grant_with_who_revoked_it(app, runner, make_user):
    admin = make_user(email="bo@example.vn", role="ministry_admin")
    make_user(phone="+84912000777", role="province_admin", role_province="01")
    result = runner.invoke(args=["users", "revoke", "--role", "province-admin", "--province",
                                 "01", "--by", "bo@example.vn", "0912000777"])
    assert result.exit_code == 0, result.output
    grant = _grants(app)[-1]
    assert grant.revoked_at is not None
    assert (grant.revoked_by_id, grant.revoked_from) == (admin, SHELL)
    action, actor_id, _, details = _entries(app)[-1]
    assert (action, actor_id) == (Action.ROLE_REVOKED, admin)
    assert SHELL in details
    again = runner.invoke(args=["users", "revoke", "--role", "province-admin", "--province",
                                "01", "0912000777"])
    assert again.exit_code == 1
    assert "does not hold that role" in again.output
