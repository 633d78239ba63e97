"""Data Integrity proofs with the W3C EdDSA cryptosuites (vc-di-eddsa 1.0), Ed25519 keys.

Two suites, over the same document: ``eddsa-rdfc-2022`` canonicalises the RDF the document
means (RDFC-1.0, through its bundled JSON-LD contexts), which is what Open Badges 3.0 names
for issuers and what wallets expect; ``eddsa-jcs-2022`` canonicalises the JSON itself (RFC
8785), which a verifier without a JSON-LD processor can check. Both proofs go into one proof
set: a verifier checks the ones it knows, OneTouch's own verifier checks every one.

As the specification builds them, each proof carries the document's ``@context`` and is
hashed as published: the proof configuration (the proof less ``proofValue``; for RDFC read
through the document's ``@context``) hashed, then the document less its proofs, the two
digests joined and signed.

The libraries behind it (pyld with requests and lxml, cryptography: some 40 MB) are imported by
the functions that sign, canonicalise or verify: a worker loads them the first time it signs a
document, not at start-up (``create_app`` imports this module through the certificate hooks).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from onetouch.certificates.keys import base58btc, base58btc_decode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
SUITES = (RDFC, JCS)
PROOF_TYPE = "DataIntegrityProof"


def iso(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second, as VC 2.0 writes them."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def jcs(value) -> bytes:
    """RFC 8785 JSON Canonicalization: sorted keys (by UTF-16 code units), no spaces,
    numbers as ECMAScript writes them."""
    from c14n.Canonicalize import canonicalize  # RFC 8785 reference code, shipped in pyld

    return canonicalize(value)


def _canonical(suite: str, value: dict, load) -> bytes:
    if suite == RDFC:
        from onetouch.certificates import contexts

        return contexts.canonical_nquads(value, load).encode("utf-8")
    return jcs(value)


def _hash_data(suite: str, unsecured: dict, config: dict, load) -> bytes:
    return (hashlib.sha256(_canonical(suite, config, load)).digest()
            + hashlib.sha256(_canonical(suite, unsecured, load)).digest())


def unsecured(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def proofs(document: dict) -> list:
    """The proofs of a secured document: one, or a proof set (an array)."""
    proof = document.get("proof") if isinstance(document, dict) else None
    if proof is None:
        return []
    return proof if isinstance(proof, list) else [proof]


def create_proof(document: dict, key: Ed25519PrivateKey, *, suite: str,
                 verification_method: str, created: datetime, load=None) -> dict:
    """One proof over ``document`` (less any proof it has), for a proof set."""
    if suite not in SUITES:
        raise ValueError(f"unknown cryptosuite {suite}")
    plain = unsecured(document)
    config = {"type": PROOF_TYPE, "cryptosuite": suite, "created": iso(created),
              "verificationMethod": verification_method, "proofPurpose": "assertionMethod",
              "@context": plain["@context"]}
    signature = key.sign(_hash_data(suite, plain, config, load))
    return {**config, "proofValue": "z" + base58btc(signature)}


def sign(document: dict, key: Ed25519PrivateKey, verification_method: str, created: datetime,
         suites: tuple[str, ...] = SUITES, load=None) -> dict:
    """The document with a proof set: one proof per suite, each over the unsecured document.

    Refuses, as jsonld.js's "safe mode" does, a document with a term that its contexts leave
    undefined: RDF canonicalisation would drop it, and no signature would cover it."""
    plain = unsecured(document)
    if RDFC in suites:
        from onetouch.certificates import contexts

        if undefined := contexts.undefined_terms(plain, load):
            raise contexts.ContextError(f"not defined by the document's contexts: {undefined}")
    made = [create_proof(plain, key, suite=suite, verification_method=verification_method,
                         created=created, load=load) for suite in suites]
    return {**plain, "proof": made if len(made) > 1 else made[0]}


def verify_proof(document: dict, proof: dict, key: Ed25519PublicKey, load=None) -> bool:
    """vc-di-eddsa "Verify Proof" for either suite: True when ``proof`` is a proof by ``key``
    over this document as it stands (less all its proofs, as in a proof set)."""
    from cryptography.exceptions import InvalidSignature

    if not _well_formed(proof):
        return False
    plain = unsecured(document)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if proof["cryptosuite"] == JCS:
        # JCS hashes the proof exactly as published; a proof that names contexts stands for
        # the document's, which must start with them.
        if "@context" in options:
            wanted, present = _as_list(options["@context"]), _as_list(plain.get("@context"))
            if present[:len(wanted)] != wanted:
                return False
            plain["@context"] = options["@context"]
        config = options
    else:
        # RDFC reads the proof's terms through the document's contexts, whatever it names.
        config = {**options, "@context": plain.get("@context")}
    try:
        signature = base58btc_decode(proof["proofValue"][1:])
        key.verify(signature, _hash_data(proof["cryptosuite"], plain, config, load))
    except (InvalidSignature, ValueError, TypeError, KeyError):
        return False
    return True


def _well_formed(proof) -> bool:
    if not isinstance(proof, dict) or proof.get("type") != PROOF_TYPE:
        return False
    if proof.get("cryptosuite") not in SUITES or "previousProof" in proof:
        return False  # proof chains are not something OneTouch issues or accepts
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    created = proof.get("created")
    if created is not None:
        try:
            datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        except ValueError:
            return False
    return True


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
