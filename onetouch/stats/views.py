"""Statistics pages (public, province admins) and their exports."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from onetouch.accounts import roles
from onetouch.accounts.models import AUDIENCE_LABELS
from onetouch.catalog.services import live_courses
from onetouch.content.models import Course
from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.stats import ages, charts, exports, helpers, maps, queries, wording
from onetouch.stats.dates import day_text
from onetouch.stats.filters import FilterError, Filters, parse
from onetouch.text import sorted_places

bp = Blueprint("stats", __name__)


def _filters() -> tuple[Filters, str | None]:
    try:
        return parse(request.args, form=True), None
    except FilterError as error:
        return Filters(), f"{error.parameter}: {error.message}"


def _page_context(filters: Filters, totals, weekly: list[dict], error: str | None) -> dict:
    figure = [(row.name, row.learners) for row in totals.rows]
    course = db.session.get(Course, filters.course) if filters.course else None
    learners = wording.learners_label(filters)
    return {"filters": filters, "totals": totals, "error": error,
            "courses": live_courses(db.session), "audiences": AUDIENCE_LABELS,
            "learners_label": learners,
            "learners_meaning": wording.learners_meaning(filters, course and course.title),
            "current_view": wording.current_view(filters, course and course.title),
            "bar_chart": charts.bars(figure, learners),
            "week_chart": charts.weekly(weekly, _("Đăng ký và hoàn thành theo tuần")),
            "weekly": weekly, "day_text": day_text,
            "own_provinces": _own_provinces(), "may_open": _may_open()}


def _province_map(filters: Filters, totals, learners: str):
    """The shaded map of the 34 provinces; none for the 63 of before 2025."""
    if filters.scheme != "2025":
        return None
    return maps.choropleth(totals.rows, "learners", _(
        "Bản đồ 34 tỉnh, thành phố, tô màu theo số %(figure)s; số liệu của từng tỉnh ở "
        "bảng bên dưới.", figure=learners.lower()))


def _may_open():
    """Whether the user may open a province's page, asked of every row: a learner's roles
    are not even loaded (``is_admin`` reads a column of the user's own row)."""
    if not roles.is_admin(current_user):
        return lambda code: False
    return lambda code: roles.can_manage_province(current_user, code)


def _own_provinces() -> list[Province]:
    """A province admin's provinces ("my province" links); none for anyone else: a ministry
    admin may open every province, a learner none."""
    if not roles.is_admin(current_user) or roles.is_ministry_admin(current_user):
        return []
    codes = roles.admin_provinces(current_user)
    return sorted_places(db.session.scalars(select(Province).where(Province.code.in_(codes))))


@bp.get("/stats")
def public():
    filters, error = _filters()
    totals = queries.by_area(db.session, filters)
    weekly = queries.weekly(db.session, filters)
    context = _page_context(filters, totals, weekly, error)
    return render_template("stats/public.html", **context, province_map=_province_map(
        filters, totals, context["learners_label"]))


@bp.get("/stats/export.<any(csv, xlsx):kind>")
def public_export(kind: str):
    filters, error = _filters()
    if error:
        abort(400)
    totals = queries.by_area(db.session, filters)
    area = _("Tỉnh, thành phố") if filters.scheme == "2025" else _("Tỉnh, thành phố (trước 2025)")
    return exports.send(totals, filters, area, filters.file_stem("onetouch-provinces"), kind)


def _province_or_403(code: str) -> Province:
    """The province, if the user may open it; otherwise a 403 page that leads to the
    provinces they may open, so that a province admin who follows another province's link
    has a way back to their own."""
    province = db.get_or_404(Province, code)
    if not roles.can_manage_province(current_user, code):
        page = render_template("stats/forbidden.html", province=province,
                               own_provinces=_own_provinces(), filters=_filters()[0])
        abort(make_response(page, 403))
    return province


@bp.get("/stats/provinces/<code>")
@login_required
def province(code: str):
    found = _province_or_403(code)
    filters, error = _filters()
    totals = queries.by_commune(db.session, code, filters)
    weekly = queries.weekly(db.session, filters, province_code=code)
    # Names: this page is for the province's admins only (_province_or_403).
    team = helpers.by_helper(db.session, code, filters)
    return render_template("stats/province.html", province=found, team=team,
                           ages=ages.by_age(db.session, code, filters),
                           **_page_context(filters, totals, weekly, error))


@bp.get("/stats/provinces/<code>/export.<any(csv, xlsx):kind>")
@login_required
def province_export(code: str, kind: str):
    _province_or_403(code)
    filters, error = _filters()
    if error:
        abort(400)
    totals = queries.by_commune(db.session, code, filters)
    return exports.send(totals, filters, _("Xã, phường"),
                        filters.file_stem(f"onetouch-communes-{code}"), kind)


@bp.get("/stats/provinces/<code>/team.<any(csv, xlsx):kind>")
@login_required
def team_export(code: str, kind: str):
    """Assisted sign-ups per team member: names, so for the province's admins only."""
    _province_or_403(code)
    filters, error = _filters()
    if error:
        abort(400)
    rows = helpers.by_helper(db.session, code, filters)
    return exports.send_team(rows, filters.file_stem(f"onetouch-team-{code}"), kind)
