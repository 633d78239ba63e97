"""Ministry admins find users and grant or revoke administrative roles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from onetouch.accounts import bp, roles, services
from onetouch.accounts.forms import GrantRoleForm
from onetouch.accounts.models import Role, RoleGrant, User
from onetouch.accounts.phone import normalise_phone
from onetouch.core.forms import options
from onetouch.extensions import db
from onetouch.geo.services import provinces

SEARCH_LIMIT = 50


@bp.get("/admin/users")
@roles.ministry_admin_required
def admin_users():
    query = (request.args.get("q") or "").strip()[:100]
    found = []
    if query:
        phone = normalise_phone(query)
        found = db.session.scalars(select(User).where(or_(
            User.phone == phone, User.email == services.normalise_email(query),
            User.full_name.ilike(f"%{query}%"),
        )).order_by(User.full_name).limit(SEARCH_LIMIT)).all()
    return render_template("accounts/admin_users.html", query=query, users=found)


def _grant_form() -> GrantRoleForm:
    form = GrantRoleForm()
    form.province_code.choices = options([("", "—")] + [(p.code, p.name)
                                                        for p in provinces(db.session)])
    return form


@bp.get("/admin/users/<int:user_id>")
@roles.ministry_admin_required
def admin_user(user_id: int):
    user = db.get_or_404(User, user_id)
    return render_template("accounts/admin_user.html", user=user, form=_grant_form())


@bp.post("/admin/users/<int:user_id>/roles")
@roles.ministry_admin_required
def grant_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _grant_form()
    if not form.validate_on_submit():
        return render_template("accounts/admin_user.html", user=user, form=form), 422
    try:
        roles.grant(db.session, user, Role(form.role.data), form.province_code.data or None,
                    granted_by=current_user)
    except services.AccountError as error:
        form.province_code.errors = [error.message]
        return render_template("accounts/admin_user.html", user=user, form=form), 422
    flash(_("Đã cấp vai trò."), "success")
    return redirect(url_for("accounts.admin_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/roles/<int:grant_id>/revoke")
@roles.ministry_admin_required
def revoke_role(user_id: int, grant_id: int):
    role_grant = db.get_or_404(RoleGrant, grant_id)
    if role_grant.user_id != user_id:
        abort(404)
    if role_grant.user_id == current_user.id and role_grant.role is Role.MINISTRY_ADMIN:
        flash(_("Bạn không thể tự thu hồi quyền quản trị cấp bộ của mình."), "error")
        return redirect(url_for("accounts.admin_user", user_id=user_id))
    roles.revoke(db.session, role_grant)
    flash(_("Đã thu hồi vai trò."), "success")
    return redirect(url_for("accounts.admin_user", user_id=user_id))
