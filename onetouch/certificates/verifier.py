"""Checking a credential the way a standard verifier does, and nothing more lenient.

1. Every proof in the proof set verifies (vc-di-eddsa), by a key found by the standard
   route (Controlled Identifiers 1.0, "retrieve verification method"): the proof's
   ``verificationMethod`` is retrieved, its ``controller`` is retrieved, the controller lists
   the method under ``assertionMethod``, and the controller is the credential's issuer.
2. The credential is within its validity period (VC 2.0 ``validFrom`` / ``validUntil``).
3. Each ``BitstringStatusListEntry``: the status list credential is retrieved, is by the same
   issuer, passes steps 1 and 2 itself, has the entry's purpose, holds at least 131,072
   entries, and the credential's bit is read.

Documents are retrieved through a ``resolve(url)`` callable: no network is needed when the
caller serves them (the CLI reads this installation's own; tests pass what they like).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from onetouch.certificates import bitstring, integrity, keys
from onetouch.certificates.credential import VC_V2

if TYPE_CHECKING:  # cryptography loads when a key is read (keys.py)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

Resolver = Callable[[str], dict]
STATUS_ENTRY = "BitstringStatusListEntry"
STATUS_LIST = "BitstringStatusListCredential"
STATUSES = {"revocation": "revoked", "suspension": "suspended"}


class Unretrievable(LookupError):
    """A document the verification needs could not be had."""


@dataclass
class Verdict:
    status: str  # valid, tampered, invalid, revoked, suspended
    reasons: list[str] = field(default_factory=list)


def verify(document: dict, resolve: Resolver, now: datetime,
           key: Ed25519PublicKey | None = None, load=None) -> Verdict:
    """The verdict on a credential. ``key``, when given, is trusted for every proof instead
    of the published verification method. Unretrievable when a document cannot be had."""
    problems = shape_problems(document)
    if problems:
        return Verdict("invalid", problems)
    problems = proof_problems(document, resolve, key, load)
    if problems:
        return Verdict("tampered", problems)
    problems = validity_problems(document, now)
    if problems:
        return Verdict("invalid", problems)
    for entry in _status_entries(document):
        verdict = _status(document, entry, resolve, now, key, load)
        if verdict.status != "valid":
            return verdict
    return Verdict("valid")


def shape_problems(document) -> list[str]:
    if not isinstance(document, dict):
        return ["not a JSON object"]
    problems = []
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_V2:
        problems.append(f"@context does not start with {VC_V2}")
    if "VerifiableCredential" not in _as_list(document.get("type")):
        problems.append("type does not include VerifiableCredential")
    if not issuer_of(document):
        problems.append("no issuer")
    if "credentialSubject" not in document:
        problems.append("no credentialSubject")
    return problems


def issuer_of(document: dict) -> str | None:
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def proof_problems(document: dict, resolve: Resolver, key: Ed25519PublicKey | None = None,
                   load=None) -> list[str]:
    """What is wrong with the proofs; empty when every one of them verifies."""
    found = integrity.proofs(document)
    if not found:
        return ["no proof"]
    problems = []
    for number, proof in enumerate(found, 1):
        suite = proof.get("cryptosuite") if isinstance(proof, dict) else None
        if not isinstance(proof, dict) or proof.get("proofPurpose") != "assertionMethod":
            problems.append(f"proof {number}: not an assertionMethod proof")
            continue
        try:
            signer = key or method_key(proof.get("verificationMethod"), issuer_of(document),
                                       resolve)
        except ValueError as error:
            problems.append(f"proof {number} ({suite}): {error}")
            continue
        if not integrity.verify_proof(document, proof, signer, load):
            problems.append(f"proof {number} ({suite}) does not verify")
    return problems


def method_key(method_id, issuer: str | None, resolve: Resolver) -> Ed25519PublicKey:
    """The public key of a verification method the issuer controls for assertions."""
    if not isinstance(method_id, str):
        raise ValueError("no verificationMethod")
    method = _method(method_id, resolve)
    if method.get("type") != "Multikey":
        raise ValueError(f"{method_id} is not a Multikey")
    controller_id = method.get("controller")
    if controller_id != issuer:
        raise ValueError(f"{method_id} is controlled by {controller_id}, not the issuer")
    controller = resolve(controller_id)
    if controller.get("id") != controller_id:
        raise ValueError(f"{controller_id} does not describe itself")
    listed = [each.get("id") if isinstance(each, dict) else each
              for each in _as_list(controller.get("assertionMethod"))]
    if method_id not in listed:
        raise ValueError(f"{controller_id} does not list {method_id} under assertionMethod")
    return keys.public_from_multibase(method.get("publicKeyMultibase", ""))


def _method(method_id: str, resolve: Resolver) -> dict:
    address, _, fragment = method_id.partition("#")
    found = resolve(address)
    if fragment:  # a method inside a larger document
        found = next((each for each in _as_list(found.get("verificationMethod"))
                      if isinstance(each, dict) and each.get("id") == method_id), {})
    if found.get("id") != method_id:
        raise ValueError(f"{method_id} does not describe itself")
    return found


def validity_problems(document: dict, now: datetime) -> list[str]:
    problems = []
    for name, broken in (("validFrom", lambda moment: moment > now),
                         ("validUntil", lambda moment: moment < now)):
        if name not in document:
            continue
        try:
            moment = datetime.fromisoformat(str(document[name]).replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{name} is not a date and time")
            continue
        if moment.tzinfo is None or broken(moment):
            problems.append(f"outside its validity period ({name} {document[name]})")
    return problems


def _status_entries(document: dict) -> list[dict]:
    return [entry for entry in _as_list(document.get("credentialStatus"))
            if isinstance(entry, dict) and entry.get("type") == STATUS_ENTRY]


def _status(document: dict, entry: dict, resolve: Resolver, now: datetime,
            key: Ed25519PublicKey | None, load) -> Verdict:
    """Bitstring Status List v1.0, "Validate Algorithm", for one entry."""
    listing = resolve(entry.get("statusListCredential"))
    problems = (shape_problems(listing) or proof_problems(listing, resolve, key, load)
                or validity_problems(listing, now))
    subject = listing.get("credentialSubject") if isinstance(listing, dict) else None
    if not problems and (STATUS_LIST not in _as_list(listing.get("type"))
                         or not isinstance(subject, dict)):
        problems = ["the status list is not a BitstringStatusListCredential"]
    if not problems and issuer_of(listing) != issuer_of(document):
        problems = ["the status list is by another issuer"]
    if not problems and subject.get("statusPurpose") != entry.get("statusPurpose"):
        problems = ["the status list has another statusPurpose"]
    if problems:
        return Verdict("invalid", [f"status list: {each}" for each in problems])
    try:
        set_bit = _read_bit(subject.get("encodedList"), entry.get("statusListIndex"))
    except (ValueError, IndexError) as error:
        return Verdict("invalid", [f"status list: {error}"])
    purpose = entry.get("statusPurpose")
    if set_bit:
        return Verdict(STATUSES.get(purpose, "invalid"), [f"{purpose} bit set in "
                                                          f"{listing.get('id')}"])
    return Verdict("valid")


def _read_bit(encoded, index) -> bool:
    bits = bitstring.decode(encoded)
    if len(bits) * 8 < bitstring.SIZE:
        raise ValueError(f"fewer than {bitstring.SIZE} entries")
    if not isinstance(index, str) or not (index.isascii() and index.isdigit()):
        raise ValueError("statusListIndex is not a base-10 integer in a string")
    return bitstring.is_set(bits, int(index))


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
