"""``flask users import FILE --province CODE [--dry-run] [--course SLUG]``."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.onboarding import reading, services
from onetouch.onboarding import rows as judged
from onetouch.onboarding.report import HEADER
from onetouch.onboarding.report import rows as report_rows


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--province", "province_code", required=True, help="Province code, e.g. 01.")
@click.option("--course", "slugs", multiple=True, help="Enrol everyone in this course (repeat).")
@click.option("--dry-run", is_flag=True, help="Judge every row, write nothing.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report (with the one-time sign-in codes) here; default stdout.")
@with_appcontext
def import_users(file: Path, province_code: str, slugs: tuple[str, ...], dry_run: bool,
                 report: Path | None) -> None:
    """Import people from a CSV or XLSX file into a province, in one transaction."""
    if db.session.get(Province, province_code) is None:
        raise click.ClickException(f"no province with code {province_code}")
    try:
        table = reading.read(file.read_bytes(), file.name)
        courses = services.courses_for(db.session, province_code, list(slugs))
    except (reading.FileRefused, services.OnboardingError) as refused:
        raise click.ClickException(refused.message) from None
    if dry_run:
        rows = judged.judge(db.session, province_code, table.rows)
        _write(report, ((r.line, r.status, r.reason) for r in rows), ("line", "status", "reason"))
        db.session.rollback()
        return
    outcome = services.import_rows(db.session, province_code, table.rows, courses, None,
                                   file_name=file.name)
    db.session.commit()
    _write(report, report_rows(outcome), HEADER)
    click.echo(f"created {outcome.created}, confirmed {outcome.confirmed}, "
               f"enrolments {outcome.enrolled}", err=True)


def _write(path: Path | None, rows, header) -> None:
    out = path.open("w", newline="", encoding="utf-8-sig") if path else sys.stdout
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    if path:
        out.close()

