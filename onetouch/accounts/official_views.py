"""The queue of declared commune officials and community team members, on accounts' blueprint
(views.py calls ``add_routes``): province admins confirm or refuse their own provinces'
declarations, the ministry any province's. Another province's declaration answers 403.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from onetouch.accounts import officials, roles, services
from onetouch.accounts.models import VERIFIED_AUDIENCES, AudienceGroup, User
from onetouch.core.params import ParameterError, integer, page_number
from onetouch.extensions import db
from onetouch.geo.services import communes_of, provinces

FILTERS = ("province", "commune", "audience")


def add_routes(bp: Blueprint) -> None:
    for rule, endpoint, view, methods in (
        ("/admin/officials", "officials", queue, ["GET"]),
        ("/admin/officials/confirm", "confirm_officials", confirm_many, ["POST"]),
        ("/admin/officials/<id:user_id>/confirm", "confirm_official", confirm, ["POST"]),
        ("/admin/officials/<id:user_id>/reject", "reject_official", reject, ["POST"]),
    ):
        bp.add_url_rule(rule, endpoint, view_func=roles.admin_required(view), methods=methods)


def _provinces_in_reach() -> list:
    """The provinces the admin may filter by: all for the ministry, their own otherwise."""
    every = provinces(db.session)
    if roles.is_ministry_admin(current_user):
        return every
    own = roles.admin_provinces(current_user)
    return [p for p in every if p.code in own]


def _filters(args) -> officials.Filters:
    """From the query: another province than the admin's answers 403."""
    province = args.get("province") or None
    if province and not roles.can_manage_province(current_user, province):
        abort(403)
    if province:
        scope = frozenset({province})
    elif roles.is_ministry_admin(current_user):
        scope = None
    else:
        scope = frozenset(roles.admin_provinces(current_user))
    audience = args.get("audience") or None
    if audience not in {None, *(group.value for group in VERIFIED_AUDIENCES)}:
        audience = None
    return officials.Filters(scope, args.get("commune") or None,
                             AudienceGroup(audience) if audience else None)


def queue():
    filters = _filters(request.args)
    reach = _provinces_in_reach()
    # Communes to filter by, once the queue covers one province.
    one = next(iter(filters.provinces)) if filters.provinces and len(filters.provinces) == 1 \
        else None
    return render_template(
        "accounts/officials.html", filters=filters, provinces=reach,
        communes=communes_of(db.session, one) if one else [],
        audiences=[g for g in AudienceGroup if g in VERIFIED_AUDIENCES],
        page=officials.queue(db.session, filters, page_number(request.args)),
        query={key: request.args.get(key) for key in FILTERS if request.args.get(key)})


def _back():
    """The queue as it was filtered, kept in the form's hidden fields."""
    kept = {key: request.form.get(key) for key in (*FILTERS, "page") if request.form.get(key)}
    return redirect(url_for("accounts.officials", **kept))


def _act(user_id: int, action, done: str):
    user = db.get_or_404(User, user_id)
    try:
        action(db.session, current_user, user)
    except officials.NotYours:
        abort(403)
    except services.AccountError as error:
        flash(error.message, "error")
    else:
        flash(done % {"name": user.full_name}, "success")
    return _back()


def confirm(user_id: int):
    return _act(user_id, officials.confirm, _("Đã xác nhận %(name)s."))


def reject(user_id: int):
    return _act(user_id, officials.reject,
                _("Đã từ chối xác nhận %(name)s; tài khoản được ghi là người dân."))


def confirm_many():
    values = request.form.getlist("user_id")
    if len(values) > officials.BULK_LIMIT:  # a page shows PAGE_SIZE: more is no person's form
        abort(400)
    try:
        ids = [integer(value, "user_id", minimum=1) for value in values]
    except ParameterError:
        abort(400)
    if not ids:
        flash(_("Hãy đánh dấu những người cần xác nhận."), "error")
        return _back()
    try:
        count = officials.confirm_many(db.session, current_user, ids)
    except officials.NotYours:
        abort(403)
    flash(_("Đã xác nhận %(count)d người.", count=count), "success")
    return _back()
