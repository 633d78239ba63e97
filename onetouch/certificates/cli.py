"""``flask certificates backfill``, ``verify FILE.json`` and ``reissue``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from onetouch.certificates import integrity, keys, publish, services, status, verifier
from onetouch.db import utcnow
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


@certificates_cli.command("reissue")
@with_appcontext
def reissue_command() -> None:
    """Bring every certificate's credential to the current form: a place in a status list
    for those issued before status lists, each revoked one's bit set, every list signed
    with this installation's address and key. Numbers, tokens and dates stay as they are;
    safe to run again (a second run changes nothing)."""
    if not current_app.config.get("PUBLIC_URL"):
        # Lists signed here would name the fallback address, not the one credentials name.
        raise click.ClickException("set ONETOUCH_PUBLIC_URL, the address the lists are "
                                   "published at, before signing them")
    given = 0
    while batch := status.allocate_missing(db.session):
        db.session.commit()  # one batch at a time: millions of certificates fit in memory
        given += batch
    signed = 0
    for number in status.list_numbers(db.session):
        signed += status.reconcile(db.session, number)
        db.session.commit()
    click.echo(f"{given} status entr{'y' if given == 1 else 'ies'} allocated, "
               f"{signed} status list(s) signed again")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"{path}: not a readable JSON file ({error})") from None


def _resolver(files: tuple[Path, ...]):
    """Documents by address: the files given (by their ``id``), then what this installation
    publishes, read from itself; nothing is fetched from the network."""
    given = {document.get("id"): document for document in map(_read_json, files)}

    def resolve(url) -> dict:
        found = given.get(url) or publish.served_at(db.session, url)
        if found is None:
            raise verifier.Unretrievable(f"cannot retrieve {url} (give it with --document)")
        return found

    return resolve


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--document", "documents", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A document the credential refers to (a status list, an issuer, a key) "
                   "that this installation does not serve; may be repeated.")
@click.option("--public-key", "public_key",
              help="Trust this publicKeyMultibase for every proof instead of the "
                   "published verification method.")
@click.option("--revocations", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also check the older revocation list (revocations.json).")
@with_appcontext
def verify_command(file: Path, documents: tuple[Path, ...], public_key: str | None,
                   revocations: Path | None) -> None:
    """Check a credential as a standard verifier does: every proof, the issuer's key, the
    validity period, the status list (its own proofs, then the bit). Prints valid, tampered,
    invalid, revoked or suspended, with the reasons on stderr; exit 0 only when valid."""
    try:
        key = keys.public_from_multibase(public_key) if public_key else None
        verdict = verifier.verify(_read_json(file), _resolver(documents), utcnow(), key=key)
    except (verifier.Unretrievable, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if verdict.status == "valid" and revocations is not None:
        verdict = _legacy_list(_read_json(file), _read_json(revocations), key)
    click.echo(verdict.status)
    for reason in verdict.reasons:
        click.echo(f"  {reason}", err=True)
    if verdict.status != "valid":
        raise SystemExit(1)


def _legacy_list(document: dict, listing: dict, key) -> verifier.Verdict:
    key = key or keys.signing_key().public_key()
    proofs = integrity.proofs(listing)
    if not proofs or not all(integrity.verify_proof(listing, proof, key) for proof in proofs):
        raise click.ClickException("the revocation list is not signed by this key")
    if any(entry.get("id") == document.get("id") for entry in listing.get("revoked", [])):
        return verifier.Verdict("revoked", ["named in the revocation list"])
    return verifier.Verdict("valid")
