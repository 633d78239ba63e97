"""``flask courses check`` and ``flask courses sync``.

The library's readers (YAML, Markdown, the sanitiser) are imported by the commands that use
them: ``create_app`` registers this group in every process, web workers included.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import with_appcontext

from onetouch.extensions import db

if TYPE_CHECKING:
    from onetouch.content.library import Library


@click.group("courses", help="The course library in courses/.")
def courses_cli() -> None:
    """Command group."""


STRICT = click.option("--strict", is_flag=True,
                      help="Fail on warnings (such as outdated terms) too, not only on errors.")


def _load(path: str | None) -> tuple[Path, Library]:
    from onetouch.content.library import load_library

    root = Path(path or current_app.config["COURSES_PATH"])
    library = load_library(root)
    # One list in file order, as an editor's jump-to-next expects.
    for problem in sorted(library.problems + library.warnings):
        click.echo(str(problem), err=True)
    return root, library


def _counts(library: Library) -> str:
    errors, warnings = len(library.problems), len(library.warnings)
    return (f"{errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}")


def _fails(library: Library, strict: bool) -> bool:
    return bool(library.problems) or (strict and bool(library.warnings))


def _totals(library: Library) -> str:
    modules = sum(len(c.modules) for c in library.courses)
    quizzes = [m.quiz for c in library.courses for m in c.modules if m.quiz]
    quizzes += [c.final_exam for c in library.courses if c.final_exam]
    questions = sum(len(q.questions) for q in quizzes)
    return (f"{len(library.courses)} courses, {modules} modules, {len(quizzes)} quizzes, "
            f"{questions} questions")


@courses_cli.command("check")
@click.argument("path", required=False)
@STRICT
@with_appcontext
def check_command(path: str | None, strict: bool) -> None:
    """Validate the library (or one course folder); print every problem as path:line: message."""
    _, library = _load(path)
    if _fails(library, strict):
        raise click.ClickException(f"{_counts(library)} found")
    click.echo(f"ok: {_totals(library)}; {_counts(library)}")


@courses_cli.command("sync")
@click.argument("path", required=False)
@STRICT
@with_appcontext
def sync_command(path: str | None, strict: bool) -> None:
    """Check, then load the library into the database in one transaction."""
    from onetouch.content.library import COURSE_FILE
    from onetouch.content.search_index import optimize as optimize_search_index
    from onetouch.content.sync import sync_library

    root, library = _load(path)
    if _fails(library, strict):
        raise click.ClickException(f"{_counts(library)} found; nothing synced")
    single_course = (root / COURSE_FILE).is_file()
    try:
        report = sync_library(db.session, library, archive_missing=not single_course)
        if report.changed():
            optimize_search_index(db.session)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for line in report.lines():
        click.echo(line)
