"""Ministry admins revoke certificates, with a reason; who and when are recorded."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from onetouch.accounts import roles
from onetouch.certificates import bp, services
from onetouch.certificates.models import Certificate
from onetouch.certificates.pdf import local_date
from onetouch.extensions import db


@bp.get("/admin/certificates")
@roles.ministry_admin_required
def admin_find():
    number = (request.args.get("number") or "").strip()[:40]
    found = services.by_number(db.session, number) if number else None
    return render_template("certificates/admin.html", number=number, certificate=found,
                           date=local_date)


@bp.post("/admin/certificates/<int:certificate_id>/revoke")
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
