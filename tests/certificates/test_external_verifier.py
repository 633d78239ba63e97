"""OneTouch's credentials as a verifier that this project did not write sees them.

verifiers/verify.mjs runs Digital Bazaar's VC libraries (eddsa-rdfc-2022 and eddsa-jcs-2022
Data Integrity proofs, Bitstring Status List) with a static document loader: the JSON-LD
contexts come from npm packages, the other documents from what each test fetched from the app.
First the W3C vc-di-eddsa test vectors show that the verifier itself works; then a learner's
credential, one changed byte of it, and the same credential after its revocation.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.certificates import NAME

ROOT = Path(__file__).resolve().parent.parent.parent
VERIFIERS = ROOT / "verifiers"
VECTORS = ROOT / "tests" / "data" / "vc-di-eddsa"
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
PUBLIC_URL = "https://onetouch.example"
SUITES = {"eddsa-rdfc-2022", "eddsa-jcs-2022"}


@pytest.fixture(scope="session")
def external_verify():
    """``external_verify(credential, documents)``: what verifiers/verify.mjs answers."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: .ci/run installs Debian's nodejs and npm")
    if stale := not_as_locked():
        pytest.fail(f"the external verifier's npm packages are not installed as locked "
                    f"({', '.join(stale)}): run `make verifiers`")

    def run(credential: dict, documents: dict) -> dict:
        done = subprocess.run([node, "verify.mjs"], cwd=VERIFIERS, capture_output=True,
                              text=True, timeout=120, check=False,
                              input=json.dumps({"credential": credential,
                                                "documents": documents}))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def not_as_locked() -> list[str]:
    """The packages of verifiers/package-lock.json missing from verifiers/node_modules or
    there at another version."""
    lock = json.loads((VERIFIERS / "package-lock.json").read_text(encoding="utf-8"))
    stale = []
    for path, locked in lock["packages"].items():
        manifest = VERIFIERS / path / "package.json"
        if path and (not manifest.exists() or json.loads(
                manifest.read_text(encoding="utf-8"))["version"] != locked["version"]):
            stale.append(path.removeprefix("node_modules/"))
    return stale


def one_byte_changed(credential: dict) -> dict:
    """The credential with one letter changed in the longest text of its credentialSubject
    (a name or a description: data, not a type or an identifier)."""
    changed = copy.deepcopy(credential)
    texts, nodes = [], [changed["credentialSubject"]]
    while nodes:
        node = nodes.pop(0)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if key in ("@context", "id", "type"):
                continue
            if isinstance(value, dict | list):
                nodes.append(value)
            elif isinstance(value, str) and value[-1:].isascii() and value[-1:].isalpha():
                texts.append((node, key, value))
    assert texts, "credentialSubject has no text to change"
    node, key, value = max(texts, key=lambda text: len(text[2]))
    node[key] = value[:-1] + ("x" if value[-1] != "x" else "y")
    return changed


# The W3C vectors: the verifier itself, independent of OneTouch.

def vector_documents(credential: dict) -> dict:
    """What a verifier dereferences for a W3C vector: its verification method, with the
    vector's public key, and a controller document for the vector's issuer that lists it
    under assertionMethod. A did:key would control itself, and a verifiable credential's
    issuer must be the controller of the key that signed it; the signature checked is the
    vector's all the same."""
    key = json.loads((VECTORS / "keyPair.json").read_text(encoding="utf-8"))
    method_id = credential["proof"]["verificationMethod"]
    method = {"id": method_id, "type": "Multikey", "controller": credential["issuer"],
              "publicKeyMultibase": key["publicKeyMultibase"]}
    controller = {"@context": ["https://w3id.org/security/v2",
                               "https://w3id.org/security/multikey/v1"],
                  "id": credential["issuer"], "verificationMethod": [method],
                  "assertionMethod": [method_id]}
    examples = json.loads((VECTORS / "credentials-examples-v2.jsonld").read_text(
        encoding="utf-8"))
    return {method_id: {"@context": "https://w3id.org/security/multikey/v1", **method},
            credential["issuer"]: controller, EXAMPLES_CONTEXT: examples}


VECTOR_FILES = {"eddsa-rdfc-2022": "signedDataInt.json", "eddsa-jcs-2022": "signedJCS.json"}


@pytest.fixture(params=sorted(VECTOR_FILES))
def vector(request) -> dict:
    return json.loads((VECTORS / VECTOR_FILES[request.param]).read_text(encoding="utf-8"))


def test_the_w3c_vectors_verify(external_verify, vector):
    result = external_verify(vector, vector_documents(vector))
    assert result["errors"] == [], result
    assert result["verified"] is True
    assert result["proofs"] == [{"cryptosuite": vector["proof"]["cryptosuite"],
                                 "verified": True, "errors": []}]
    assert (result["revoked"], result["status"]) == (None, None)


def test_a_w3c_vector_with_one_changed_byte_does_not(external_verify, vector):
    changed = one_byte_changed(vector)
    assert changed["credentialSubject"]["alumniOf"] == "The School of Examplex"
    result = external_verify(changed, vector_documents(vector))
    assert result["verified"] is False
    assert "Invalid signature." in result["errors"]


def test_the_loader_fetches_nothing_it_was_not_handed(external_verify, vector):
    documents = vector_documents(vector)
    del documents[vector["issuer"]]
    result = external_verify(vector, documents)
    assert result["verified"] is False
    assert any(f"no document for {vector['issuer']}" in error for error in result["errors"])


# OneTouch's credentials, fetched from the app as a holder and a verifier would.

@pytest.fixture
def holder(app, client, make_user, login, factories, synced_library):
    """A learner who completed the sample course, logged in, on an app with a public address
    (the credential names it); returns the certificate."""
    app.config["PUBLIC_URL"] = PUBLIC_URL
    user = make_user(full_name=NAME)
    login(client, user)
    return factories.issue_certificate(user)


def the_credential(client, certificate) -> dict:
    response = client.get(f"/my/certificates/{certificate.number}/credential.json")
    assert response.status_code == 200
    return json.loads(response.data)


def linked_urls(document: dict) -> list[str]:
    """The URLs a verifier dereferences from a document: its issuer, each proof's verification
    method, a verification method's controller, each status entry's status list."""
    issuer = document.get("issuer")
    urls = [issuer.get("id") if isinstance(issuer, dict) else issuer, document.get("controller")]
    urls += [proof.get("verificationMethod") for proof in _listed(document.get("proof"))]
    urls += [entry.get("statusListCredential")
             for entry in _listed(document.get("credentialStatus"))]
    return [url for url in urls if isinstance(url, str)]


def _listed(value) -> list[dict]:
    return [each for each in (value if isinstance(value, list) else [value])
            if isinstance(each, dict)]


def referenced_documents(app, credential: dict) -> dict:
    """Every document of the app's that the credential leads to, and that those lead to,
    fetched by a visitor: URL (without its fragment) -> JSON."""
    visitor, documents = app.test_client(), {}
    waiting = linked_urls(credential)
    while waiting:
        url = waiting.pop().split("#")[0]
        if url in documents or not url.startswith(PUBLIC_URL + "/"):
            continue
        parts = urlsplit(url)
        response = visitor.get(parts.path, query_string=parts.query)
        assert response.status_code == 200, url
        documents[url] = json.loads(response.data)
        waiting += linked_urls(documents[url])
    return documents


def test_a_fresh_credential_verifies(app, holder, client, external_verify):
    credential = the_credential(client, holder)
    result = external_verify(credential, referenced_documents(app, credential))
    assert result["errors"] == [], result
    assert result["verified"] is True
    assert {proof["cryptosuite"] for proof in result["proofs"]} == SUITES
    assert result["revoked"] is False  # it has a status entry, and the bit is not set


def test_one_changed_byte_in_the_subject_makes_it_invalid(app, holder, client,
                                                         external_verify):
    credential = the_credential(client, holder)
    changed = one_byte_changed(credential)
    assert json.dumps(changed) != json.dumps(credential)
    result = external_verify(changed, referenced_documents(app, credential))
    assert result["verified"] is False
    # Each proof of the set catches it on its own.
    assert {proof["cryptosuite"] for proof in result["proofs"]} == SUITES, result
    assert [proof for proof in result["proofs"] if proof["verified"]] == []


def test_a_revocation_reaches_the_verifier_through_the_status_list(
        app, holder, client, make_user, login, external_verify):
    credential = the_credential(client, holder)  # as the learner keeps it
    admin = login(app.test_client(), make_user(role="ministry_admin"))
    response = admin.post(f"/admin/certificates/{holder.id}/revoke",
                          data={"reason": "Gian lận khi làm bài thi"})
    assert response.status_code == 302
    result = external_verify(credential, referenced_documents(app, credential))
    assert result["errors"] == [], result
    assert result["status"]["verified"] is True  # the re-signed list verifies
    assert result["verified"] is True  # the proofs still hold: what changed is the status
    assert result["revoked"] is True
