"""``flask certificates backfill`` and ``flask certificates verify FILE.json``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from onetouch.certificates import credential, keys, services
from onetouch.extensions import db


@click.group("certificates", help="Certificates and signed credentials.")
def certificates_cli() -> None:
    """Command group."""


@certificates_cli.command("backfill")
@with_appcontext
def backfill_command() -> None:
    """Issue certificates that completed enrolments lack; safe to run again."""
    issued = services.backfill(db.session)
    db.session.commit()
    click.echo(f"{issued} certificate(s) issued")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"{path}: not a readable JSON file ({error})") from None


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--revocations", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The revocation list (revocations.json) to check against.")
@click.option("--public-key", "public_key",
              help="The issuer's publicKeyMultibase (default: this installation's key).")
@with_appcontext
def verify_command(file: Path, revocations: Path | None, public_key: str | None) -> None:
    """Check a credential offline: prints valid, tampered or revoked (exit 0 only if valid)."""
    document = _read_json(file)
    key = (keys.public_from_multibase(public_key) if public_key
           else keys.signing_key().public_key())
    listed = _read_json(revocations) if revocations else None
    try:
        verdict = credential.check(document, key, listed)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(verdict)
    if verdict != "valid":
        raise SystemExit(1)
