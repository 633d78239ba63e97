"""/admin/audit: the audit log for admins (the nation's for ministry admins, their own
provinces' for province admins), filtered, paged and exported. Read only: no route changes
or deletes an entry."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from onetouch.accounts import roles
from onetouch.audit import services
from onetouch.audit.models import Action
from onetouch.core import exports, params
from onetouch.core.clock import datetime_text
from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.text import sorted_places

bp = Blueprint("audit", __name__)


class BadFilter(ValueError):
    pass


def _filters(args) -> services.Filters:
    try:
        action = Action(args["action"]) if args.get("action") else None
    except ValueError:
        raise BadFilter(_("Loại thao tác không hợp lệ.")) from None
    return services.Filters(action=action, province_code=args.get("province") or None,
                            since=_day(args, "from"), until=_day(args, "to"))


def _day(args, name: str) -> date | None:
    value = args.get(name) or ""
    if not value:
        return None
    try:
        return params.day(value, name)
    except params.ParameterError:
        raise BadFilter(_("Ngày không hợp lệ: %(value)s (dạng 2026-12-01).",
                          value=value[:20])) from None


@bp.get("/admin/audit")
@roles.admin_required
def entries():
    provinces = _provinces()
    try:
        filters = _filters(request.args)
    except BadFilter as error:
        return render_template("audit/list.html", page=None, error=str(error),
                               provinces=provinces, actions=list(Action), args={}, query={}), 400
    kind = request.args.get("export")
    if kind:
        if kind not in exports.KINDS:
            abort(400)
        return _export(filters, kind)
    page = services.page_of(db.session, current_user, filters, params.page_number(request.args))
    return render_template("audit/list.html", page=page, error=None, provinces=provinces,
                           actions=list(Action), args=request.args,
                           query=request.args.to_dict(), day=_shown_time)


def _provinces() -> dict[str, str]:
    """The provinces the admin may filter by, code to name, in the order of their names."""
    query = select(Province.code, Province.name)
    if not roles.is_ministry_admin(current_user):
        query = query.where(Province.code.in_(roles.admin_provinces(current_user)))
    return dict(sorted_places(db.session.execute(query), name=lambda row: row.name))


def _shown_time(moment) -> str:
    return datetime_text(moment)


def _export(filters: services.Filters, kind: str):
    names = _provinces()
    header = (_("Thời điểm"), _("Thao tác"), _("Người thực hiện"), _("Đối tượng"),
              _("Tỉnh, thành phố"), _("Chi tiết"))
    rows = [[_shown_time(e.at), e.action.label, e.actor_name, e.target_name,
             names.get(e.province_code or "", _("Toàn quốc")), e.details]
            for e in services.all_of(db.session, current_user, filters)]
    return exports.send(header, rows, "nhat-ky-quan-tri", kind)
