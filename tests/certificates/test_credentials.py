"""A learner's signed credential: Open Badges 3.0 on VC 2.0, a proof set of eddsa-rdfc-2022
and eddsa-jcs-2022, an issuer that lists its key, a status list that any verifier follows."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from onetouch.certificates import bitstring, contexts, credential, integrity, verifier
from onetouch.certificates.integrity import iso
from onetouch.db import utcnow
from tests.certificates.documents import download, published, resolver, save, verify


def test_a_fresh_credential_is_valid_and_one_changed_byte_is_not(client, runner, certified,
                                                                  tmp_path):
    _, certificate = certified
    path = download(client, certificate, tmp_path)
    assert verify(runner, path) == (0, "valid", "")
    raw = path.read_bytes()
    changed = raw.replace("Tuyết".encode(), "Tuyến".encode(), 1)
    assert changed != raw
    path.write_bytes(changed)
    code, out, err = verify(runner, path)
    assert (code, out) == (1, "tampered")
    assert "proof 1 (eddsa-rdfc-2022) does not verify" in err
    assert "proof 2 (eddsa-jcs-2022) does not verify" in err


def test_every_proof_of_the_set_is_checked(client, runner, certified, tmp_path):
    _, certificate = certified
    document = json.loads(download(client, certificate, tmp_path).read_text())
    assert [proof["cryptosuite"] for proof in document["proof"]] == list(integrity.SUITES)
    for number, proof in enumerate(document["proof"], 1):
        changed = json.loads(json.dumps(document))
        value = proof["proofValue"]
        changed["proof"][number - 1]["proofValue"] = value[:-1] + ("2" if value[-1] != "2"
                                                                  else "3")
        code, out, err = verify(runner, save(changed, tmp_path, f"changed-{number}.json"))
        assert (code, out) == (1, "tampered")
        assert err == f"proof {number} ({proof['cryptosuite']}) does not verify"


def test_the_credential_is_an_open_badge_with_everything_it_needs(app, client, certified,
                                                                   tmp_path):
    _, certificate = certified
    document = json.loads(download(client, certificate, tmp_path).read_text())
    assert document["@context"] == credential.CREDENTIAL_CONTEXTS
    assert all(proof["@context"] == document["@context"] for proof in document["proof"])
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["id"] == "http://localhost/courses/mau-khoa-hoc"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Khóa học mẫu về dịch vụ công"
    assert "Khóa học mẫu về dịch vụ công" in achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert document["validFrom"] == iso(certificate.issued_at)
    assert document["credentialSchema"] == [{"id": credential.OB_SCHEMA,
                                              "type": "1EdTechJsonSchemaValidator2019"}]
    entry = document["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert 0 <= int(entry["statusListIndex"]) < bitstring.SIZE
    assert entry["statusListCredential"] == "http://localhost/credentials/status/1"
    assert contexts.undefined_terms(document) == []


def test_the_credential_validates_against_the_open_badges_schema(client, certified, tmp_path):
    _, certificate = certified
    document = json.loads(download(client, certificate, tmp_path).read_text())
    folder = resources.files("onetouch.certificates").joinpath("schemas")
    schema = json.loads(folder.joinpath("ob_v3p0_achievementcredential_schema.json").read_text())
    validator = jsonschema.Draft201909Validator(schema,
                                                format_checker=jsonschema.FormatChecker())
    assert [error.message for error in validator.iter_errors(document)] == []
    del document["credentialSubject"]["achievement"]["description"]  # the finding
    assert not validator.is_valid(document)


def test_the_issuer_lists_its_key_under_assertion_method(client, certified, tmp_path):
    _, certificate = certified
    document = json.loads(download(client, certificate, tmp_path).read_text())
    method_id = document["proof"][0]["verificationMethod"]
    method = published(client, method_id)
    issuer = published(client, "http://localhost/credentials/issuer")
    assert method["@context"] == [credential.MULTIKEY_V1]
    assert method["type"] == "Multikey"
    assert method["controller"] == issuer["id"] == document["issuer"]["id"]
    assert issuer["assertionMethod"] == [method_id]
    assert issuer["verificationMethod"] == [{k: v for k, v in method.items() if k != "@context"}]
    for each in (issuer, method):
        assert contexts.undefined_terms(each) == [], each["id"]
    assert verifier.method_key(method_id, issuer["id"], resolver(client)) is not None


def test_the_status_list_is_a_signed_bitstring_status_list_credential(client, certified):
    listing = published(client, "http://localhost/credentials/status/1")
    assert listing["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listing["issuer"] == "http://localhost/credentials/issuer"
    subject = listing["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    assert bitstring.decode(subject["encodedList"]) == bitstring.empty()
    assert contexts.undefined_terms(listing) == []
    assert verifier.proof_problems(listing, resolver(client)) == []
    assert client.get("/credentials/status/2").status_code == 404


def test_a_revocation_sets_the_bit_and_signs_the_list_again(app, client, runner, certified,
                                                            make_user, factories, tmp_path):
    _, certificate = certified
    path = download(client, certificate, tmp_path)
    index = int(json.loads(path.read_text())["credentialStatus"]["statusListIndex"])
    before = published(client, "http://localhost/credentials/status/1")
    factories.revoke_certificate(certificate.id, make_user(role="ministry_admin"))
    after = published(client, "http://localhost/credentials/status/1")
    assert [p["created"] for p in after["proof"]] >= [p["created"] for p in before["proof"]]
    assert after["proof"] != before["proof"]
    bits = bitstring.decode(after["credentialSubject"]["encodedList"])
    assert bitstring.is_set(bits, index)
    assert sum(bin(byte).count("1") for byte in bits) == 1
    assert download(client, certificate, tmp_path, "again.json").read_bytes() == path.read_bytes()
    code, out, err = verify(runner, path)
    assert (code, out) == (1, "revoked")
    assert "revocation bit set in http://localhost/credentials/status/1" in err


def test_a_status_list_with_a_changed_bit_is_refused(client, runner, certified, make_user,
                                                     factories, tmp_path):
    _, certificate = certified
    path = download(client, certificate, tmp_path)
    factories.revoke_certificate(certificate.id, make_user(role="ministry_admin"))
    listing = published(client, "http://localhost/credentials/status/1")
    listing["credentialSubject"]["encodedList"] = bitstring.encode(bitstring.empty())
    forged = save(listing, tmp_path, "forged-list.json")
    code, out, err = verify(runner, path, "--document", str(forged))
    assert (code, out) == (1, "invalid")
    assert "status list: proof 1 (eddsa-rdfc-2022) does not verify" in err


def test_documents_of_another_address_are_read_from_files_only(app, client, runner, certified,
                                                               tmp_path):
    _, certificate = certified
    path = download(client, certificate, tmp_path)
    document = json.loads(path.read_text())
    given = [save(published(client, url), tmp_path, f"document-{number}.json")
             for number, url in enumerate((document["proof"][0]["verificationMethod"],
                                           document["issuer"]["id"],
                                           document["credentialStatus"]["statusListCredential"]))]
    app.config["PUBLIC_URL"] = "https://onetouch.example"  # no longer this installation's
    code, out, err = verify(runner, path)
    assert code == 1
    assert "cannot retrieve http://localhost/credentials/keys/" in err
    options = [option for each in given for option in ("--document", str(each))]
    assert verify(runner, path, *options) == (0, "valid", "")


def test_verification_with_a_given_public_key(client, runner, certified, tmp_path):
    _, certificate = certified
    path = download(client, certificate, tmp_path)
    method = published(client, json.loads(path.read_text())["proof"][0]["verificationMethod"])
    assert verify(runner, path, "--public-key", method["publicKeyMultibase"]) == (0, "valid", "")
    other = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"  # the W3C test vectors' key
    assert verify(runner, path, "--public-key", other)[:2] == (1, "tampered")


def test_a_credential_not_yet_valid_is_invalid(app, client, certified, tmp_path):
    _, certificate = certified
    document = json.loads(download(client, certificate, tmp_path).read_text())
    with app.app_context():
        verdict = verifier.verify(document, resolver(client), utcnow().replace(year=2000))
    assert verdict.status == "invalid"
    assert verdict.reasons == [f"outside its validity period (validFrom {document['validFrom']})"]


def test_the_older_revocation_list_keeps_its_shape(client, runner, certified, make_user,
                                                   factories, tmp_path):
    _, certificate = certified
    path = download(client, certificate, tmp_path)
    factories.revoke_certificate(certificate.id, make_user(role="ministry_admin"))
    listing = client.get("/certificates/revocations.json").get_json()
    assert listing["type"] == ["OneTouchRevocationList"]
    assert [entry["number"] for entry in listing["revoked"]] == [certificate.number]
    assert listing["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert listing["proof"]["@context"] == listing["@context"]
    revocations = save(listing, tmp_path, "revocations.json")
    assert verify(runner, path, "--revocations", str(revocations))[:2] == (1, "revoked")
