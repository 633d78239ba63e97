"""The documents OneTouch publishes about certificates, unsigned: the Open Badges 3.0
credential, the issuer's controller document and key, and the status lists.

Plain data in, plain JSON out: addresses are given by ``publish``, signing is ``integrity``'s.
Every term these documents use is defined by the contexts they name (``contexts.py`` checks
it before anything is signed), so a JSON-LD processor drops nothing from under a signature.
"""

from __future__ import annotations

from datetime import datetime

from onetouch.certificates.integrity import iso

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the credentialSchema type below, which the Open Badges context leaves out.
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CID_V1 = "https://www.w3.org/ns/cid/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

CREDENTIAL_CONTEXTS = [VC_V2, OB_V3, OB_EXTENSIONS]
ISSUER_CONTEXTS = [VC_V2, OB_V3, CID_V1]
OB_SCHEMA = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
             "ob_v3p0_achievementcredential_schema.json")
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
STATUS_PURPOSE = "revocation"


def credential(*, verify_url: str, issuer_id: str, issuer_name: str, course_url: str,
               course_title: str, hours: float, learner_name: str, number: str,
               issued_at: datetime, status: dict | None) -> dict:
    """The unsigned Open Badges 3.0 credential (an OpenBadgeCredential) for one certificate."""
    document = {
        "@context": CREDENTIAL_CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{course_title} ({number})",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": iso(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": learner_name}],
            "achievement": _achievement(course_url, course_title, hours, issuer_name, number),
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": OB_SCHEMA_TYPE}],
    }
    if status is not None:
        document["credentialStatus"] = status
    return document


def _achievement(course_url: str, title: str, hours: float, unit: str, number: str) -> dict:
    return {
        "id": course_url, "type": ["Achievement"], "achievementType": "Certificate",
        "name": title, "humanCode": number,
        "description": f"Chứng chỉ hoàn thành khóa học “{title}” ({hours:g} giờ), do {unit} "
                       f"cấp.",
        "criteria": {"narrative": f"Hoàn thành khóa học “{title}” ({hours:g} giờ) trên Nền "
                                  f"tảng OneTouch: hoàn thành các học phần bắt buộc và đạt bài "
                                  f"thi cuối khóa."},
    }


def status_entry(list_url: str, index: int) -> dict:
    """A credential's place in a status list (Bitstring Status List v1.0)."""
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE, "statusListIndex": str(index),
            "statusListCredential": list_url}


def status_list(*, list_url: str, issuer_id: str, encoded_list: str) -> dict:
    """The unsigned BitstringStatusListCredential for one list. No ``validFrom``: a list is
    signed again at each revocation, and a verifier whose clock ran a second behind would
    take the new list for not yet valid; the proofs' ``created`` says when it was signed."""
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": STATUS_PURPOSE, "encodedList": encoded_list},
    }


def verification_method(*, method_id: str, controller: str, public_multibase: str) -> dict:
    return {"id": method_id, "type": "Multikey", "controller": controller,
            "publicKeyMultibase": public_multibase}


def multikey(method: dict) -> dict:
    """The verification method as a document of its own, at its own address."""
    return {"@context": [MULTIKEY_V1], **method}


def issuer(*, issuer_id: str, name: str, url: str, method: dict) -> dict:
    """The issuer's profile (Open Badges ``Profile``), which is also its controller document
    (Controlled Identifiers 1.0): the key is listed under ``assertionMethod``, the binding
    a verifier checks between a proof's ``verificationMethod`` and the credential's issuer."""
    return {"@context": ISSUER_CONTEXTS, "id": issuer_id, "type": ["Profile"], "name": name,
            "url": url, "verificationMethod": [method], "assertionMethod": [method["id"]]}


def revocation_list(issuer_id: str, updated: datetime, entries: list[dict]) -> dict:
    """The list published before status lists existed, kept as it was for its readers."""
    return {"@context": [VC_V2], "type": ["OneTouchRevocationList"], "issuer": issuer_id,
            "updated": iso(updated), "revoked": entries}
