"""Statistics pages (public, province admins) and their exports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from onetouch.accounts import roles
from onetouch.accounts.models import AUDIENCE_LABELS
from onetouch.catalog.services import live_courses
from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.stats import charts, exports, queries
from onetouch.stats.filters import FilterError, Filters, parse

bp = Blueprint("stats", __name__)


def _filters() -> tuple[Filters, str | None]:
    try:
        return parse(request.args, queries.course_ids(db.session)), None
    except FilterError as error:
        return Filters(), f"{error.parameter}: {error.message}"


def _page_context(filters: Filters, totals, weekly: list[dict], error: str | None) -> dict:
    # "TP." is how Vietnamese shortens "Thành phố"; the tables keep the full names.
    figure = [(row.name.replace("Thành phố ", "TP. "), row.learners) for row in totals.rows]
    return {"filters": filters, "totals": totals, "error": error,
            "courses": live_courses(db.session), "audiences": AUDIENCE_LABELS,
            "bar_chart": charts.bars(figure, "Người học theo địa bàn"),
            "week_chart": charts.weekly(weekly, "Đăng ký và hoàn thành theo tuần"),
            "weekly": weekly}


@bp.get("/stats")
def public():
    filters, error = _filters()
    totals = queries.by_area(db.session, filters)
    weekly = queries.weekly(db.session, filters)
    return render_template("stats/public.html", **_page_context(filters, totals, weekly, error))


@bp.get("/stats/export.<any(csv, xlsx):kind>")
def public_export(kind: str):
    filters, error = _filters()
    if error:
        abort(400)
    totals = queries.by_area(db.session, filters)
    return exports.send(totals, filters.file_stem("onetouch-provinces"), kind)


def _province_or_403(code: str) -> Province:
    province = db.get_or_404(Province, code)
    if not roles.can_manage_province(current_user, code):
        abort(403)
    return province


@bp.get("/stats/provinces/<code>")
@login_required
def province(code: str):
    found = _province_or_403(code)
    filters, error = _filters()
    totals = queries.by_commune(db.session, code, filters)
    weekly = queries.weekly(db.session, filters, province_code=code)
    return render_template("stats/province.html", province=found,
                           **_page_context(filters, totals, weekly, error))


@bp.get("/stats/provinces/<code>/export.<any(csv, xlsx):kind>")
@login_required
def province_export(code: str, kind: str):
    _province_or_403(code)
    filters, error = _filters()
    if error:
        abort(400)
    totals = queries.by_commune(db.session, code, filters)
    return exports.send(totals, filters.file_stem(f"onetouch-communes-{code}"), kind)
