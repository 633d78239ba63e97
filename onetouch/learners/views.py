"""/admin/learners: the learners an admin may see (a province admin: their province only),
searched, filtered, sorted, paged and exported; and one learner's page.

Another province, asked for by a province admin in a filter, the export or a learner's
address, is a 403; nothing of it is read first.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from onetouch.accounts import roles
from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.phone import display_phone
from onetouch.catalog import services as catalog
from onetouch.core import clock, exports, params
from onetouch.extensions import db
from onetouch.geo.models import Commune, Province
from onetouch.geo.services import communes_of
from onetouch.learners import profile as profiles
from onetouch.learners import services

bp = Blueprint("learners", __name__)


def _provinces() -> dict[str, str]:
    """Provinces the admin may list, code to name, by name."""
    query = select(Province.code, Province.name).order_by(Province.name)
    if not roles.is_ministry_admin(current_user):
        query = query.where(Province.code.in_(roles.admin_provinces(current_user)))
    return {code: name for code, name in db.session.execute(query)}


def _province(args) -> str | None:
    """The province asked for; a province admin's own by default, another one a 403."""
    code = args.get("province") or None
    if roles.is_ministry_admin(current_user):
        return code
    own = roles.admin_provinces(current_user)
    if code is None:
        return min(own)
    if code not in own:
        abort(403)
    return code


def _commune(args, province_code: str | None) -> Commune | None:
    code = args.get("commune") or None
    if code is None:
        return None
    commune = db.session.get(Commune, code[:5]) or abort(400)
    if not roles.can_manage_province(current_user, commune.province_code):
        abort(403)
    if province_code and commune.province_code != province_code:
        abort(400)
    return commune


def _choice(args, name: str, allowed) -> str | None:
    value = args.get(name) or None
    if value is not None and value not in allowed:
        abort(400)
    return value


def _filters(args) -> services.Filters:
    province_code = _province(args)
    commune = _commune(args, province_code)
    audience = _choice(args, "audience", {group.value for group in AudienceGroup})
    course = args.get("course") or None
    try:
        course_id = params.integer(course, "course", minimum=1) if course else None
    except params.ParameterError:
        abort(400)
    return services.Filters(
        text=(args.get("q") or "")[:100], audience=AudienceGroup(audience) if audience else None,
        province_code=commune.province_code if commune else province_code,
        commune_code=commune.code if commune else None, course_id=course_id,
        status=_choice(args, "status", services.STATUSES),
        sort=_choice(args, "sort", services.SORTS) or "name",
        descending=_choice(args, "dir", {"asc", "desc"}) == "desc")


@bp.get("/admin/learners")
@roles.admin_required
def index():
    filters = _filters(request.args)
    query = {key: value for key, value in request.args.items() if value and key != "page"}
    page = services.page_of(db.session, filters, clock.today(),
                            params.page_number(request.args))
    communes = communes_of(db.session, filters.province_code) if filters.province_code else []
    return render_template(
        "learners/index.html", page=page, filters=filters, query=query,
        provinces=_provinces(), communes=communes, audiences=list(AudienceGroup),
        courses=catalog.live_courses(db.session), statuses=_status_labels(),
        ministry=roles.is_ministry_admin(current_user), phone=_phone, when=_when)


@bp.get("/admin/learners/export.<kind>")
@roles.admin_required
def export(kind: str):
    if kind not in exports.KINDS:
        abort(404)
    filters = _filters(request.args)
    rows = services.all_of(db.session, filters, clock.today())
    if rows is None:
        flash(_("Danh sách quá dài để tải về (hơn %(limit)s người). Hãy lọc theo tỉnh, xã "
                "hoặc tình trạng.", limit=f"{services.EXPORT_LIMIT:,}".replace(",", ".")),
              "error")
        return redirect(url_for("learners.index", **request.args.to_dict()))
    return _send(rows, kind)


def _send(rows: list[services.Row], kind: str):
    provinces = dict(db.session.execute(select(Province.code, Province.name)).all())
    header = (_("Họ và tên"), _("Điện thoại"), _("Thư điện tử"), _("Xã, phường"),
              _("Tỉnh, thành phố"), _("Nhóm đối tượng"), _("Ngày tham gia"),
              _("Lần đăng nhập gần nhất"), _("Khóa học đã ghi danh"), _("Khóa học đã hoàn thành"))
    lines = [[row.user.full_name, _phone(row.user.phone), row.user.email or "",
              row.commune_name, provinces.get(row.user.province_code, ""),
              row.user.audience.label, _when(row.user.created_at, time=False),
              _when(row.user.last_login_at), row.enrolled, row.completed] for row in rows]
    total = [_("Tổng: %(count)d người học", count=len(rows)), "", "", "", "", "", "", "",
             sum(row.enrolled for row in rows), sum(row.completed for row in rows)]
    return exports.send(header, lines, "nguoi-hoc", kind, total=total)


@bp.get("/admin/learners/<id:user_id>")
@roles.admin_required
def learner(user_id: int):
    """One learner, for the admins of the learner's province and the ministry."""
    user = db.get_or_404(User, user_id)
    if not roles.can_manage_province(current_user, user.province_code):
        abort(403)
    helper = user.assisted_by
    return render_template(
        "learners/learner.html", profile=profiles.profile(db.session, current_user, user),
        helper=helper, helper_visible=helper is not None and roles.can_manage_province(
            current_user, helper.province_code), phone=_phone, when=_when)


def _status_labels() -> dict[str, str]:
    return {"enrolled": _("Đang học"), "completed": _("Đã hoàn thành"), "overdue": _("Quá hạn")}


def _phone(stored: str | None) -> str:
    return display_phone(stored) if stored else ""


def _when(moment, time: bool = True) -> str:
    """06:31, 01/12/2026 (or the day alone), in Việt Nam."""
    return clock.datetime_text(moment) if time else clock.date_text(moment)
