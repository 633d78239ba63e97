"""Public addresses and signed documents: what the outside world sees of a certificate.

Addresses (all under PUBLIC_URL):
  /verify/<token>               a credential's id, and the page a person reads
  /credentials/issuer           the issuer's profile and controller document
  /credentials/keys/<key id>    the verification method (Multikey)
  /credentials/status/<number>  a BitstringStatusListCredential
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException

from onetouch.certificates import bitstring, credential, integrity, keys
from onetouch.certificates.models import Certificate, StatusList
from onetouch.certificates.services import revoked
from onetouch.core.urls import site_url
from onetouch.db import utcnow

ISSUER_NAME = "OneTouch"


def base_url() -> str:
    """PUBLIC_URL, which production requires (see ``core.urls.site_url``)."""
    return site_url()


def _url(endpoint: str, **values) -> str:
    # Built without a request too: status lists are signed by the CLI and on issue.
    return base_url() + current_app.url_map.bind("localhost").build(endpoint, values)


def verify_url(certificate: Certificate) -> str:
    return _url("certificates.verify", token=certificate.token)


def issuer_id() -> str:
    return _url("certificates.issuer")


def verification_method() -> str:
    public = keys.signing_key().public_key()
    return _url("certificates.public_key", key_id=keys.key_id(public))


def status_list_url(number: int) -> str:
    return _url("certificates.status_list", number=number)


def _sign(document: dict, created) -> dict:
    return integrity.sign(document, keys.signing_key(), verification_method(), created)


class NoLearner(LookupError):
    """The learner deleted their account: no credential naming them is built any more."""


def signed_credential(certificate: Certificate) -> dict:
    """The certificate's signed credential. A copy the learner downloaded before deleting
    their account stays valid (same signature, same status bit); none is built afterwards,
    since it would have to carry a name that is no longer kept.

    :raises NoLearner: the learner deleted their account.
    """
    if certificate.learner_deleted:
        raise NoLearner(certificate.number)
    entry = certificate.status
    status = (credential.status_entry(status_list_url(entry.list_id), entry.position)
              if entry is not None else None)
    document = credential.credential(
        verify_url=verify_url(certificate), issuer_id=issuer_id(),
        issuer_name=certificate.issuing_unit,
        course_url=_url("catalog.course", slug=certificate.course.slug),
        course_title=certificate.course_title, hours=certificate.hours,
        learner_name=certificate.learner_name, number=certificate.number,
        issued_at=certificate.issued_at, status=status)
    # Signed as of the day of issue, and Ed25519 is deterministic: the same certificate always
    # gives the same document, so it is built when asked for instead of stored.
    return _sign(document, certificate.issued_at)


def signed_status_list(status_list: StatusList) -> dict:
    """The list's credential, signed as of ``signed_at`` (set by whoever changed the bits)."""
    document = credential.status_list(
        list_url=status_list_url(status_list.id), issuer_id=issuer_id(),
        encoded_list=bitstring.encode(status_list.bits))
    return _sign(document, status_list.signed_at)


def resign(status_list: StatusList) -> None:
    """Sign the list's bits as they now stand and store the document that is published."""
    status_list.signed_at = utcnow()
    status_list.document = json.dumps(signed_status_list(status_list), ensure_ascii=False)


def is_current(status_list: StatusList) -> bool:
    """Whether the stored document still names this installation's address and key."""
    document = json.loads(status_list.document)
    methods = {proof.get("verificationMethod") for proof in integrity.proofs(document)}
    return document.get("id") == status_list_url(status_list.id) and methods == {
        verification_method()}


def signed_revocations(session) -> dict:
    """The list of revoked certificates that came before status lists, signed with
    ``eddsa-jcs-2022`` alone (its terms are OneTouch's own, not defined in any context)."""
    entries = [{"id": verify_url(c), "number": c.number,
                "revokedAt": integrity.iso(c.revoked_at), "reason": c.revoked_reason}
               for c in revoked(session)]
    document = credential.revocation_list(issuer_id(), utcnow(), entries)
    return integrity.sign(document, keys.signing_key(), verification_method(), utcnow(),
                          suites=(integrity.JCS,))


def verification_method_document() -> dict:
    return credential.verification_method(
        method_id=verification_method(), controller=issuer_id(),
        public_multibase=keys.public_multibase(keys.signing_key().public_key()))


def multikey_document() -> dict:
    return credential.multikey(verification_method_document())


def issuer_document() -> dict:
    return credential.issuer(issuer_id=issuer_id(), name=ISSUER_NAME, url=base_url() + "/",
                             method=verification_method_document())


def served_at(session, url: str) -> dict | None:
    """The document this installation publishes at ``url``, read here rather than fetched
    (what ``flask certificates verify`` retrieves); None for any other address. Without
    PUBLIC_URL, any origin counts as this installation's, as it does for the pages."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        return None
    try:
        endpoint, values = current_app.url_map.bind(parts.netloc).match(parts.path, "GET")
    except HTTPException:
        return None
    with current_app.test_request_context(parts.path, base_url=f"{parts.scheme}://{parts.netloc}"):
        try:
            if base_url() + parts.path != url:
                return None  # another origin than PUBLIC_URL
        except HTTPException:
            return None  # a host outside TRUSTED_HOSTS: not this installation
        if endpoint == "certificates.issuer":
            return issuer_document()
        if endpoint == "certificates.public_key" and verification_method() == url:
            return multikey_document()
        if endpoint == "certificates.status_list":
            found = session.get(StatusList, values["number"])
            return json.loads(found.document) if found is not None else None
    return None
