"""``flask users purge-inactive``: accounts unused for INACTIVE_ACCOUNT_YEARS are anonymised
as a deletion is; --dry-run only counts them."""

from __future__ import annotations

from datetime import timedelta

from onetouch.accounts.models import User
from onetouch.core import clock
from onetouch.extensions import db
from onetouch.privacy.erasure import DELETED_NAME


def _age(app, user_id: int, years: float) -> None:
    """As if the user last logged in ``years`` ago (the sign-up day stays: statistics count
    it)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        user.last_login_at = clock.now() - timedelta(days=365.25 * years)
        db.session.commit()


def _name(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).full_name


def test_only_accounts_unused_for_the_period_are_anonymised(app, runner, make_user):
    unused = make_user(full_name="Người Đã Lâu")
    recent = make_user(full_name="Người Mới")
    admin = make_user(full_name="Quản Trị Lâu", role="province_admin", role_province="01")
    _age(app, unused, 3.5)
    _age(app, recent, 2.5)
    _age(app, admin, 5)

    counted = runner.invoke(args=["users", "purge-inactive", "--dry-run"])
    assert counted.exit_code == 0, counted.output
    assert counted.output.startswith("1 account(s) unused for 3 years would be anonymised")
    assert _name(app, unused) == "Người Đã Lâu"

    done = runner.invoke(args=["users", "purge-inactive"])
    assert done.exit_code == 0, done.output
    assert [_name(app, each) for each in (unused, recent, admin)] == [
        DELETED_NAME, "Người Mới", "Quản Trị Lâu"]
    assert runner.invoke(args=["stats", "check"]).exit_code == 0
    assert runner.invoke(args=["users", "purge-inactive"]).output.startswith("anonymised 0")
