"""``flask db``: Flask-Migrate's commands, and ``backup`` and ``restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from onetouch.core import backup as backups
from onetouch.extensions import db

PG_DUMP = ("pg_dump --format=custom --file=onetouch.dump \"$DATABASE_URL\" "
           "(README, \"Backups\")")
PG_RESTORE = ("pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" "
              "onetouch.dump, with the servers stopped (README, \"Backups\")")


def database_cli(migrations: click.Group) -> click.Group:
    """Flask-Migrate's ``db`` group with its options, plus backup and restore."""
    return click.Group(name="db", params=migrations.params, callback=migrations.callback,
                       help="Migrations (Alembic), backup and restore.",
                       commands={**migrations.commands, "backup": backup_command,
                                 "restore": restore_command})


def _sqlite_file(other_way: str) -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(f"the database is PostgreSQL: use {other_way}")
    return Path(url.database).resolve()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH (a new file), safely while OneTouch serves."""
    live = _sqlite_file(PG_DUMP)
    try:
        made = backups.backup(live, path.resolve())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up {live} to {made.path}: {made.size:,} bytes, schema revision "
               f"{made.revision}, integrity ok")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Replace the SQLite database with the backup PATH; refused while anything has the
    database open. The database it replaces is kept beside it."""
    live = _sqlite_file(PG_RESTORE)
    head, known = _revisions()
    try:
        snapshot = backups.inspect(path.resolve())
        if snapshot.revision not in known:
            raise backups.BackupError(
                f"{path} is at schema revision {snapshot.revision}, which this version of "
                "OneTouch does not know: restore it with the version that made it")
        db.engine.dispose()  # this command's own connections must not count as another user
        _, kept = backups.restore(path.resolve(), live)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {live} from {path} (schema revision {snapshot.revision})")
    if kept is not None:
        click.echo(f"the database it replaced is kept in {kept}")
    if snapshot.revision != head:
        click.echo("the backup's schema is older than this version's: run flask db upgrade")


def _revisions() -> tuple[str, set[str]]:
    """The head revision and every revision of migrations/ (Alembic loads for this only)."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    scripts = ScriptDirectory.from_config(config)
    return scripts.get_current_head(), {each.revision for each in scripts.walk_revisions()}
