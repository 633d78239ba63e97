"""The bundled JSON-LD contexts and JSON Schema: pinned by sha256, with source and licence
noted, the only documents the signer and the verifier ever load."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from importlib import resources

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from onetouch.certificates import contexts, credential, integrity

PINNED = {  # the digests the specifications publish, where they publish one
    "https://www.w3.org/ns/credentials/v2":
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
}


def test_every_bundled_file_matches_its_pinned_digest_and_names_source_and_licence():
    entries = contexts.manifest()
    folder = contexts.folder()
    for entry in entries:
        raw = folder.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"], entry["file"]
        assert entry["source"].startswith("https://github.com/"), entry["url"]
        assert "Licen" in entry["licence"], entry["url"]
        assert PINNED.get(entry["url"], entry["sha256"]) == entry["sha256"]
    assert set(contexts.bundled()) == {entry["url"] for entry in entries}
    files = {each.name for each in folder.iterdir()}
    assert files == {entry["file"] for entry in entries} | {"manifest.json",
                                                            "LICENSE-1EdTech.md"}


def test_the_schema_matches_its_pinned_digest():
    folder = resources.files("onetouch.certificates").joinpath("schemas")
    (entry,) = json.loads(folder.joinpath("manifest.json").read_text())["schemas"]
    raw = folder.joinpath(entry["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["sha256"]
    assert entry["url"] == credential.OB_SCHEMA
    assert json.loads(raw)["title"] == "JSON Schema for the AchievementCredential class."


def test_a_changed_byte_in_a_bundled_context_is_refused(tmp_path):
    copy = tmp_path / "contexts"
    shutil.copytree(str(contexts.folder()), copy)
    assert set(contexts.read_bundle(copy)) == set(contexts.bundled())
    target = copy / "credentials-v2.jsonld"
    target.write_bytes(target.read_bytes().replace(b"https://schema.org/name",
                                                   b"https://schema.org/nome", 1))
    with pytest.raises(contexts.ContextError, match="credentials-v2.jsonld"):
        contexts.read_bundle(copy)


def test_any_other_url_is_refused_and_nothing_is_fetched():
    load = contexts.loader()
    assert load(credential.VC_V2, {})["document"]["@context"]["@protected"] is True
    for url in ("https://www.w3.org/ns/credentials/examples/v2", "https://example.org/ctx",
                "http://www.w3.org/ns/credentials/v2", "file:///etc/passwd"):
        with pytest.raises(contexts.ContextError):
            load(url, {})
    document = {"@context": [credential.VC_V2, "https://example.org/ctx"],
                "type": ["VerifiableCredential"]}
    with pytest.raises(contexts.ContextError, match="https://example.org/ctx"):
        integrity.sign(document, Ed25519PrivateKey.generate(), "https://h/k", datetime.now(UTC),
                       suites=(integrity.RDFC,))


def test_a_context_served_by_another_loader_is_not_cached_for_the_default_one():
    examples = "https://www.w3.org/ns/credentials/examples/v2"
    document = {"@context": [credential.VC_V2, examples], "type": ["VerifiableCredential"],
                "issuer": "https://h/i", "credentialSubject": {"name": "x"}}
    other = contexts.loader({examples: {"@context": {"@vocab": "https://h/vocab#"}}})
    assert "<https://h/i>" in contexts.canonical_nquads(document, other)
    with pytest.raises(contexts.ContextError, match=examples):
        contexts.canonical_nquads(document)


def test_the_undefined_term_check_finds_what_a_processor_would_drop():
    defined = {"@context": [credential.VC_V2], "type": ["VerifiableCredential"],
               "issuer": "https://h/i", "credentialSubject": {"id": "https://h/s"}}
    assert contexts.undefined_terms(defined) == []
    dropped = {**defined, "revoked": [], "type": ["VerifiableCredential", "OwnList"],
               "credentialSubject": {"id": "relative/path"}}
    assert contexts.undefined_terms(dropped) == ["OwnList", "relative/path", "revoked"]
    with pytest.raises(contexts.ContextError, match="revoked"):
        integrity.sign(dropped, Ed25519PrivateKey.generate(), "https://h/k", datetime.now(UTC))
