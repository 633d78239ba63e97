"""``flask users import``: a dry run writes nothing; an import confirms, enrols, reports codes,
writes one audit entry with the system account as its actor; a bad file writes nothing."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from onetouch.accounts.models import ResetCode, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.core.operator import command_line_actor
from onetouch.extensions import db
from onetouch.learning.models import Enrolment
from tests.onboarding.test_import import ROWS, csv_bytes, xlsx_bytes


def counts(app) -> list[int]:
    with app.app_context():
        return [db.session.scalar(select(func.count()).select_from(model))
                for model in (User, Enrolment, ResetCode, AuditEntry)]


def test_a_dry_run_judges_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes(ROWS))
    before = counts(app)
    result = runner.invoke(args=["users", "import", str(path), "--province", "01", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(result.stdout.splitlines()))
    assert [line[1] for line in lines[1:]] == ["new", "new", "error", "error", "error"]
    assert counts(app) == before


def test_an_import_from_the_command_line(app, runner, tmp_path, synced):
    path, out = tmp_path / "ds.xlsx", tmp_path / "bao-cao.csv"
    path.write_bytes(xlsx_bytes(ROWS[:2]))
    args = ["users", "import", str(path), "--province", "01", "--course", "mau-khoa-hoc",
            "--report", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    report = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert all(len(line["Mã đăng nhập lần đầu"]) == 8 for line in report)
    with app.app_context():
        an = db.session.scalar(select(User).where(User.phone == "+84912345001"))
        assert an.official_confirmed_at is not None
        assert an.official_confirmed_by_id is None  # the command line: no account
        entry = db.session.scalar(select(AuditEntry))
        assert entry.action is Action.BULK_IMPORT
        assert entry.actor_name == command_line_actor()
    before = counts(app)
    assert runner.invoke(args=args).exit_code == 0  # the same file again
    assert counts(app)[:3] == before[:3]


def test_a_refused_file_or_course_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes([["=1+1", "", "a@b.vn", "00004", "citizen", ""]]))
    before = counts(app)
    result = runner.invoke(args=["users", "import", str(path), "--province", "01"])
    assert result.exit_code == 1
    assert "công thức" in result.output
    path.write_bytes(csv_bytes(ROWS[:1]))
    result = runner.invoke(args=["users", "import", str(path), "--province", "01",
                                 "--course", "khong-co"])
    assert result.exit_code == 1
    assert "khong-co" in result.output
    assert counts(app) == before
