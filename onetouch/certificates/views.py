"""A learner's certificates, and what anyone can check about any certificate."""

from __future__ import annotations

import json

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from onetouch.certificates import bp, publish, services
from onetouch.certificates.models import Certificate
from onetouch.certificates.pdf import local_date, render
from onetouch.extensions import db, limiter

VERIFY_LIMIT = "60 per minute"


def _own(number: str) -> Certificate:
    certificate = services.by_number(db.session, number)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    return certificate


@bp.get("/my/certificates")
@login_required
def mine():
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == current_user.id)
        .order_by(Certificate.issued_at.desc())).all()
    return render_template("certificates/mine.html", certificates=certificates)


@bp.get("/my/certificates/<number>")
@login_required
def view(number: str):
    certificate = _own(number)
    return render_template("certificates/certificate.html", certificate=certificate,
                           verify_url=publish.verify_url(certificate), date=local_date)


@bp.get("/my/certificates/<number>/pdf")
@login_required
def pdf(number: str):
    certificate = _own(number)
    body = render(certificate, publish.verify_url(certificate))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificate.number}.pdf"',
        "Cache-Control": "private, no-cache"})


@bp.get("/my/certificates/<number>/credential.json")
@login_required
def credential_file(number: str):
    document = publish.signed_credential(_own(number))
    return Response(json.dumps(document, ensure_ascii=False, indent=2),
                    mimetype="application/vc+ld+json", headers={
                        "Content-Disposition": f'attachment; filename="{number}.json"'})


def _public(certificate: Certificate | None) -> dict:
    answer = services.Answer(certificate)
    if certificate is None:
        return {"status": answer.status}
    body = {"status": answer.status, "certificate": {
        "number": certificate.number, "learner": services.mask_name(certificate.learner_name),
        "course": certificate.course_title, "hours": certificate.hours,
        "issuing_unit": certificate.issuing_unit, "issued_on": local_date(certificate.issued_at)}}
    if certificate.revoked_at:
        body["revocation"] = {"date": local_date(certificate.revoked_at),
                              "reason": certificate.revoked_reason}
    return body


@bp.get("/verify")
@limiter.limit(VERIFY_LIMIT)
def verify_form():
    number = (request.args.get("number") or "").strip()[:40]
    if not number:
        return render_template("certificates/verify_form.html", number="")
    found = _public(services.by_number(db.session, number))
    status = 404 if found["status"] == "not_found" else 200
    return render_template("certificates/verify.html", answer=found, number=number), status


@bp.get("/verify/<token>")
@limiter.limit(VERIFY_LIMIT)
def verify(token: str):
    # Unknown and malformed tokens get the very same answer: nothing to enumerate.
    found = _public(services.by_token(db.session, token))
    status = 404 if found["status"] == "not_found" else 200
    return render_template("certificates/verify.html", answer=found, number=None), status


@bp.get("/api/v1/certificates/<token>")
@limiter.limit(VERIFY_LIMIT)
def verify_json(token: str):
    found = _public(services.by_token(db.session, token))
    return found, 404 if found["status"] == "not_found" else 200, {"Cache-Control": "no-store"}


@bp.get("/certificates/revocations.json")
def revocations():
    return publish.signed_revocations(db.session), 200, {"Cache-Control": "public, max-age=300"}


@bp.get("/credentials/issuer")
def issuer():
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": publish.issuer_id(),
            "type": ["Profile"], "name": "OneTouch",
            "verificationMethod": [publish.multikey_document()]}


@bp.get("/credentials/keys/<key_id>")
def public_key(key_id: str):
    document = publish.multikey_document()
    if not document["id"].endswith("/" + key_id):
        abort(404)
    return document, 200, {"Cache-Control": "public, max-age=86400"}
