"""Status lists: where each certificate's revocation bit lives, and keeping the published
lists true. Functions flush; callers commit.

Positions are drawn at random in the newest list, as Bitstring Status List v1.0 advises, so
that a position tells nothing of when a certificate was issued nor how many were: a
certificate's neighbours in a list are strangers from any date. A position is taken by
inserting its row (the primary key is list and position; ON CONFLICT DO NOTHING), so racing
issuers never share one and no counter row is fought over. When a list is so full that
``TRIES`` draws in a row all hit taken positions (around four entries in five taken), the next
list is opened. A certificate just issued takes its position in one statement
(``allocate_new``); only a taken position, or no list yet, goes the longer way. A revocation
sets its bit and re-signs the list in its own transaction, under the list's row lock, so two
revocations at once both land.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from onetouch.certificates import bitstring, publish
from onetouch.certificates.credential import STATUS_PURPOSE
from onetouch.certificates.models import Certificate, StatusEntry, StatusList
from onetouch.db import dialect_insert, insert_or_ignore, lock_row

TRIES = 32
BATCH = 500
MAX_AGE = 300  # seconds a published list may be cached: how late a revocation may be seen


def entry_of(session: Session, certificate_id: int) -> StatusEntry | None:
    return session.scalar(select(StatusEntry).where(StatusEntry.certificate_id
                                                    == certificate_id))


def allocate_new(session: Session, certificate: Certificate) -> StatusEntry:
    """The status entry of a certificate just issued, in one statement in the common case: an
    ``INSERT ... SELECT`` of a random position in the newest list, RETURNING the entry.

    Nothing is inserted when the position is taken (or the certificate has its entry, or
    there is no list yet); then :func:`allocate` draws on, counting this draw among the
    ``TRIES`` in the newest list, so that a list opens its successor when it would before.
    """
    newest = select(func.max(StatusList.id)).scalar_subquery()
    values = (select(StatusList.id, literal(secrets.randbelow(bitstring.SIZE)),
                     literal(certificate.id))
              .where(StatusList.id == newest))
    insert = dialect_insert(session)
    entry = session.scalars(
        insert(StatusEntry).from_select(["list_id", "position", "certificate_id"], values)
        .on_conflict_do_nothing().returning(StatusEntry)).first()
    if entry is None:
        return allocate(session, certificate, drawn=1)
    session.expire(certificate, ["status"])
    return entry


def allocate(session: Session, certificate: Certificate, drawn: int = 0) -> StatusEntry:
    """The certificate's status entry, drawn now if it has none; safe to call again.

    :param drawn: draws already missed in the newest list (by :func:`allocate_new`).
    """
    entry = entry_of(session, certificate.id)
    if entry is not None:
        return entry
    number = session.scalar(select(func.max(StatusList.id))) or open_list(session, 1)
    tries = TRIES - drawn
    while entry is None:
        for _ in range(tries):
            values = {"list_id": number, "position": secrets.randbelow(bitstring.SIZE),
                      "certificate_id": certificate.id}
            insert_or_ignore(session, StatusEntry, values, conflict=None)
            # Ours, or a racing call's for the same certificate; None if the position was taken.
            entry = entry_of(session, certificate.id)
            if entry is not None:
                break
        else:
            number = open_list(session, number + 1)
            tries = TRIES
    session.expire(certificate, ["status"])
    return entry


def open_list(session: Session, number: int) -> int:
    """Create list ``number`` (all bits clear, signed) unless a racing call already did."""
    status_list = StatusList(id=number, purpose=STATUS_PURPOSE, size=bitstring.SIZE,
                             bits=bitstring.empty(bitstring.SIZE))
    publish.resign(status_list)
    insert_or_ignore(session, StatusList, {
        "id": number, "purpose": status_list.purpose, "size": status_list.size,
        "bits": status_list.bits, "document": status_list.document,
        "signed_at": status_list.signed_at}, conflict=["id"])
    return number


def mark_revoked(session: Session, certificate: Certificate) -> None:
    """Set the certificate's bit and re-sign its list, in the revoking transaction."""
    entry = allocate(session, certificate)
    status_list = lock_row(session, StatusList, entry.list_id)  # bits read after the lock
    bits = bitstring.with_bits(status_list.bits, [entry.position])
    if bits != status_list.bits:
        status_list.bits = bits
        publish.resign(status_list)
    session.flush()


def published(session: Session, number: int) -> str | None:
    """The signed status list credential as it is served, or None."""
    return session.scalar(select(StatusList.document).where(StatusList.id == number))


def allocate_missing(session: Session, limit: int = BATCH) -> int:
    """Give a status entry to up to ``limit`` certificates that have none (those issued
    before status lists); the number given, 0 once every certificate has one."""
    missing = session.scalars(
        select(Certificate).outerjoin(StatusEntry, StatusEntry.certificate_id == Certificate.id)
        .where(StatusEntry.list_id.is_(None)).order_by(Certificate.id).limit(limit)).all()
    for certificate in missing:
        allocate(session, certificate)
    return len(missing)


def list_numbers(session: Session) -> list[int]:
    return list(session.scalars(select(StatusList.id).order_by(StatusList.id)))


def reconcile(session: Session, number: int) -> bool:
    """Make list ``number``'s bits say exactly which of its certificates are revoked, and sign
    it again if its bits changed or its document names another address or key. True when it
    was signed again; False when it was right already (so a rerun changes nothing)."""
    status_list = lock_row(session, StatusList, number)
    bits = _bits_from_certificates(session, status_list)
    if bits == status_list.bits and publish.is_current(status_list):
        return False
    status_list.bits = bits
    publish.resign(status_list)
    session.flush()
    return True


def _bits_from_certificates(session: Session, status_list: StatusList) -> bytes:
    rows = session.execute(
        select(StatusEntry.position, StatusEntry.certificate_id, Certificate.revoked_at)
        .outerjoin(Certificate, Certificate.id == StatusEntry.certificate_id)
        .where(StatusEntry.list_id == status_list.id)).all()
    # A position whose certificate was deleted keeps the bit it had.
    return bitstring.with_bits(bitstring.empty(status_list.size), (
        position for position, certificate_id, revoked_at in rows
        if revoked_at is not None
        or (certificate_id is None and bitstring.is_set(status_list.bits, position))))
