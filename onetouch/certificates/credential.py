"""Signed digital credentials: W3C Verifiable Credential 2.0 / Open Badges 3.0 JSON with a
Data Integrity proof (cryptosuite ``eddsa-jcs-2022``: Ed25519 over JSON Canonicalization).

The same proof signs the public revocation list, so both can be checked offline with
nothing but the published public key.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from onetouch.certificates.keys import base58btc, base58btc_decode

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SUITE = "eddsa-jcs-2022"


def canonical(value) -> bytes:
    """RFC 8785 (JCS) serialisation for JSON values: sorted keys, no spaces, numbers as
    ECMAScript prints them (so 2.0 is written 2)."""
    return json.dumps(_numbers(value), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def _numbers(value):
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("JSON has no infinities")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    return value


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hash_data(document: dict, proof_options: dict) -> bytes:
    config = {**proof_options, "@context": document["@context"]}
    return hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(document)).digest()


def sign(document: dict, key: Ed25519PrivateKey, verification_method: str,
         created: datetime) -> dict:
    """The document with a Data Integrity proof added."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {"type": "DataIntegrityProof", "cryptosuite": SUITE, "created": iso(created),
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = key.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": "z" + base58btc(signature)}}


def verify(document: dict, key: Ed25519PublicKey) -> bool:
    """True when the proof is ours and nothing in the document changed since it was signed."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if not isinstance(proof, dict) or proof.get("cryptosuite") != SUITE:
        return False
    value = proof.get("proofValue", "")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        signature = base58btc_decode(value[1:]) if value.startswith("z") else b""
        key.verify(signature, _hash_data(unsecured, options))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


def credential(*, verify_url: str, issuer_id: str, issuer_name: str, course_url: str,
               course_title: str, hours: float, learner_name: str, number: str,
               issued_at: datetime) -> dict:
    """The unsigned Open Badges 3.0 credential for one certificate."""
    return {
        "@context": CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{course_title} ({number})",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": iso(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": learner_name}],
            "achievement": {
                "id": course_url, "type": ["Achievement"], "achievementType": "Certificate",
                "name": course_title, "humanCode": number,
                "criteria": {"narrative": f"Hoàn thành khóa học “{course_title}” "
                                          f"({hours:g} giờ) trên Nền tảng OneTouch."},
            },
        },
    }


def revocation_list(issuer_id: str, updated: datetime, entries: list[dict]) -> dict:
    return {"@context": CONTEXTS[:1], "type": ["OneTouchRevocationList"], "issuer": issuer_id,
            "updated": iso(updated), "revoked": entries}


def check(document: dict, key: Ed25519PublicKey, revocations: dict | None = None) -> str:
    """"valid", "tampered" or "revoked" (when a genuine revocation list names it)."""
    if not verify(document, key):
        return "tampered"
    if revocations is not None:
        if not verify(revocations, key):
            raise ValueError("the revocation list is not signed by this key")
        if any(entry.get("id") == document.get("id") for entry in revocations["revoked"]):
            return "revoked"
    return "valid"
