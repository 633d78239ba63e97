"""The W3C vc-di-eddsa test vectors of both suites OneTouch signs with pass through its own
signer and verifier: the vector's unsigned credential, signed with the vector's key and proof
options, gives the vector's canonical forms and proofValue; the vector's signed credential
verifies, and fails once changed."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onetouch.certificates import contexts, integrity, keys, verifier

VECTORS = Path(__file__).parent / "vectors"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
# suite, folder, file suffix
SUITES = [(integrity.RDFC, "eddsa-rdfc-2022", "DataInt"), (integrity.JCS, "eddsa-jcs-2022", "JCS")]
ED25519_PRIVATE = b"\x80\x26"  # the multicodec prefix of an Ed25519 private key


def read(name: str):
    text = (VECTORS / name).read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else text


def load():
    return contexts.loader({EXAMPLES: read("credentials-examples-v2.jsonld")})


def key_pair():
    pair = read("keyPair.json")
    private = keys.base58btc_decode(pair["privateKeyMultibase"][1:])
    assert private.startswith(ED25519_PRIVATE)
    return (Ed25519PrivateKey.from_private_bytes(private[2:]),
            keys.public_from_multibase(pair["publicKeyMultibase"]))


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_signing_the_unsigned_vector_gives_its_proof(suite, folder, suffix):
    private, public = key_pair()
    assert keys.public_multibase(private.public_key()) == read("keyPair.json")["publicKeyMultibase"]
    options = read(f"{folder}/proofConfig{suffix}.json")
    created = datetime.fromisoformat(options["created"].replace("Z", "+00:00"))
    proof = integrity.create_proof(read("unsigned.json"), private, suite=suite,
                                   verification_method=options["verificationMethod"],
                                   created=created, load=load())
    expected = read(f"{folder}/signed{suffix}.json")["proof"]
    assert proof["proofValue"] == expected["proofValue"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == options


def test_the_rdfc_canonical_forms_are_the_vectors():
    loaded = load()
    assert (contexts.canonical_nquads(read("unsigned.json"), loaded)
            == read("eddsa-rdfc-2022/canonDocDataInt.txt"))
    assert (contexts.canonical_nquads(read("eddsa-rdfc-2022/proofConfigDataInt.json"), loaded)
            == read("eddsa-rdfc-2022/proofCanonDataInt.txt"))


def test_the_jcs_canonical_forms_are_the_vectors():
    assert integrity.jcs(read("unsigned.json")).decode() == read("eddsa-jcs-2022/canonDocJCS.txt")
    assert (integrity.jcs(read("eddsa-jcs-2022/proofConfigJCS.json")).decode()
            == read("eddsa-jcs-2022/proofCanonJCS.txt"))


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_the_signed_vector_verifies_and_a_changed_one_does_not(suite, folder, suffix):
    _, public = key_pair()
    signed = read(f"{folder}/signed{suffix}.json")
    assert integrity.verify_proof(signed, signed["proof"], public, load())
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["alumniOf"] = "The School of Examples!"
    assert not integrity.verify_proof(changed, changed["proof"], public, load())
    moved = copy.deepcopy(signed)
    moved["proof"]["created"] = "2023-02-24T23:36:39Z"
    assert not integrity.verify_proof(moved, moved["proof"], public, load())


def test_a_jcs_proof_is_hashed_as_published():
    """What OneTouch did before: hash the proof with the document's @context, publish it
    without. The JCS proof configuration is the proof as published, so that is refused."""
    _, public = key_pair()
    signed = read("eddsa-jcs-2022/signedJCS.json")
    del signed["proof"]["@context"]
    assert not integrity.verify_proof(signed, signed["proof"], public, load())
    shorter = read("eddsa-jcs-2022/signedJCS.json")
    shorter["proof"]["@context"] = shorter["proof"]["@context"][:1]  # a prefix, but not hashed
    assert not integrity.verify_proof(shorter, shorter["proof"], public, load())


def test_an_rdfc_proof_reads_its_terms_through_the_documents_contexts():
    """The RDFC vector's proof has no @context; the document's stand for it, as they do for
    the @context that OneTouch's proofs carry."""
    _, public = key_pair()
    signed = read("eddsa-rdfc-2022/signedDataInt.json")
    assert "@context" not in signed["proof"]
    signed["proof"]["@context"] = signed["@context"]
    assert integrity.verify_proof(signed, signed["proof"], public, load())


@pytest.mark.parametrize(("suite", "folder", "suffix"), SUITES)
def test_the_signed_vector_passes_the_whole_verifier(suite, folder, suffix):
    """Through the same algorithm as ``flask certificates verify --public-key``: the vector's
    issuer is a plain example URL with no controller document (nor is its did:key method
    that issuer's), so the key is given, as that option gives it."""
    _, public = key_pair()
    signed = read(f"{folder}/signed{suffix}.json")

    def resolve(url):
        raise verifier.Unretrievable(url)  # nothing to retrieve: no credentialStatus

    now = datetime.fromisoformat("2024-01-01T00:00:00+00:00")
    assert verifier.verify(signed, resolve, now, key=public, load=load()).status == "valid"
    signed["validFrom"] = "2023-01-01T00:00:01Z"
    verdict = verifier.verify(signed, resolve, now, key=public, load=load())
    assert verdict.status == "tampered"
    assert verdict.reasons == [f"proof 1 ({suite}) does not verify"]
