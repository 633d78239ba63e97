"""Public addresses and signed documents: what the outside world sees of a certificate."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for

from onetouch.certificates import credential, keys
from onetouch.certificates.models import Certificate
from onetouch.certificates.services import revoked
from onetouch.db import utcnow


def base_url() -> str:
    """PUBLIC_URL when set (it must be, for certificates printed by several servers)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/") if has_request_context() else "http://127.0.0.1:8000"


def _url(endpoint: str, **values) -> str:
    return base_url() + url_for(endpoint, **values)


def verify_url(certificate: Certificate) -> str:
    return _url("certificates.verify", token=certificate.token)


def issuer_id() -> str:
    return _url("certificates.issuer")


def verification_method() -> str:
    public = keys.signing_key().public_key()
    return _url("certificates.public_key", key_id=keys.key_id(public))


def signed_credential(certificate: Certificate) -> dict:
    document = credential.credential(
        verify_url=verify_url(certificate), issuer_id=issuer_id(),
        issuer_name=certificate.issuing_unit,
        course_url=_url("catalog.course", slug=certificate.course.slug),
        course_title=certificate.course_title, hours=certificate.hours,
        learner_name=certificate.learner_name, number=certificate.number,
        issued_at=certificate.issued_at)
    # Signed as of the day of issue: the same certificate always gives the same document.
    return credential.sign(document, keys.signing_key(), verification_method(),
                           certificate.issued_at)


def signed_revocations(session) -> dict:
    entries = [{"id": verify_url(c), "number": c.number, "revokedAt": credential.iso(c.revoked_at),
                "reason": c.revoked_reason} for c in revoked(session)]
    document = credential.revocation_list(issuer_id(), utcnow(), entries)
    return credential.sign(document, keys.signing_key(), verification_method(), utcnow())


def multikey_document() -> dict:
    public = keys.signing_key().public_key()
    return {"@context": ["https://w3id.org/security/multikey/v1"],
            "id": verification_method(), "type": "Multikey", "controller": issuer_id(),
            "publicKeyMultibase": keys.public_multibase(public)}
