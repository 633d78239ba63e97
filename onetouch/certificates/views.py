"""A learner's certificates, and what anyone can check about any certificate."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from onetouch.accounts import roles
from onetouch.certificates import publish, services, status
from onetouch.certificates.models import Certificate
from onetouch.core.clock import local_date
from onetouch.extensions import db, limiter

bp = Blueprint("certificates", __name__)

VERIFY_LIMIT = "60 per minute"


def _own(number: str) -> Certificate:
    certificate = services.by_number(db.session, number)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    return certificate


@bp.get("/my/certificates")
@login_required
def mine():
    certificates = services.of_learner(db.session, current_user.id)
    return render_template("certificates/mine.html", certificates=certificates)


def my_learning_section(user) -> Markup:
    """The learner's certificates, as a section of "My learning"."""
    # Autoescaped by Jinja when rendered: safe to embed as it is.
    html = render_template("certificates/_my_learning.html",
                           certificates=services.of_learner(db.session, user.id))
    return Markup(html)  # noqa: S704


@bp.get("/my/certificates/<number>")
@login_required
def view(number: str):
    certificate = _own(number)
    return render_template("certificates/certificate.html", certificate=certificate,
                           verify_url=publish.verify_url(certificate), date=local_date)


@bp.get("/my/certificates/<number>/pdf")
@login_required
def pdf(number: str):
    # fpdf2 and segno (30 MB with Pillow and fontTools) load in the worker that prints one.
    from onetouch.certificates.pdf import render

    certificate = _own(number)
    body = render(certificate, publish.verify_url(certificate))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{certificate.number}.pdf"',
        "Cache-Control": "private, no-cache"})


@bp.get("/my/certificates/<number>/credential.json")
@login_required
def credential_file(number: str):
    try:
        document = publish.signed_credential(_own(number))
    except publish.NoLearner:
        abort(404)
    return Response(json.dumps(document, ensure_ascii=False, indent=2),
                    mimetype="application/vc+ld+json", headers={
                        "Content-Disposition": f'attachment; filename="{number}.json"'})


@bp.get("/verify")
@limiter.limit(VERIFY_LIMIT)
def verify_form():
    number = (request.args.get("number") or "").strip()[:40]
    if not number:
        return render_template("certificates/verify_form.html", number="")
    found = services.public_answer(services.by_number(db.session, number))
    status = 404 if found["status"] == "not_found" else 200
    return render_template("certificates/verify.html", answer=found, number=number), status


@bp.get("/verify/<token>")
@limiter.limit(VERIFY_LIMIT)
def verify(token: str):
    # Unknown and malformed tokens get the very same answer: nothing to enumerate.
    found = services.public_answer(services.by_token(db.session, token))
    status = 404 if found["status"] == "not_found" else 200
    return render_template("certificates/verify.html", answer=found, number=None), status


@bp.get("/certificates/revocations.json")
def revocations():
    return publish.signed_revocations(db.session), 200, {"Cache-Control": "public, max-age=300"}


@bp.get("/credentials/issuer")
def issuer():
    return publish.issuer_document(), 200, {"Cache-Control": "public, max-age=3600"}


@bp.get("/credentials/keys/<key_id>")
def public_key(key_id: str):
    document = publish.multikey_document()
    if not document["id"].endswith("/" + key_id):
        abort(404)
    return document, 200, {"Cache-Control": "public, max-age=86400"}


@bp.get("/credentials/status/<id:number>")
def status_list(number: int):
    # Stored signed, so reading it is one row; cacheable by anyone (the spec asks that
    # who fetches a status list be not tracked: the page is the same for all).
    document = status.published(db.session, number)
    if document is None:
        abort(404)
    return Response(document, mimetype="application/vc+ld+json",
                    headers={"Cache-Control": f"public, max-age={status.MAX_AGE}"})


# Ministry admins revoke certificates, with a reason; who and when are recorded.

@bp.get("/admin/certificates")
@roles.ministry_admin_required
def admin_find():
    number = (request.args.get("number") or "").strip()[:40]
    found = services.by_number(db.session, number) if number else None
    return render_template("certificates/admin.html", number=number, certificate=found,
                           date=local_date)


@bp.post("/admin/certificates/<id:certificate_id>/revoke")
@roles.ministry_admin_required
def admin_revoke(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    try:
        services.revoke(db.session, certificate, current_user, request.form.get("reason", ""))
    except services.CertificateError as error:
        flash(error.message, "error")
    else:
        current_app.logger.info("certificate %s revoked by user %s", certificate.number,
                                current_user.id)
        flash(_("Đã thu hồi chứng chỉ %(number)s.", number=certificate.number), "success")
    return redirect(url_for("certificates.admin_find", number=certificate.number))
