"""The compliance dashboard of a required training, its two lists of learners and their
exports (scope: a ministry admin sees the nation by province and any province; a province
admin is kept to their own province, another province's page or file is a 403). Added to
learning's one blueprint by ``views.py`` with ``add_routes(bp)``, to keep each file short."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from onetouch.accounts import roles
from onetouch.core import clock, exports, params
from onetouch.extensions import db
from onetouch.geo.models import Commune, Province
from onetouch.geo.services import communes_of
from onetouch.learning import compliance as queries
from onetouch.learning import compliance_cache, required
from onetouch.learning.compliance_chart import percent_bars
from onetouch.learning.models import RequiredTraining

BASE = "/admin/required/<id:requirement_id>"
LIST = f"{BASE}/<any(overdue, pending):which>"


def add_routes(bp: Blueprint) -> None:
    for rule, view in (
        (BASE, compliance),
        (f"{BASE}/export.<any(csv, xlsx):kind>", compliance_export),
        (LIST, compliance_list),
        (f"{LIST}/export.<any(csv, xlsx):kind>", compliance_list_export),
    ):
        bp.add_url_rule(rule, view_func=roles.admin_required(view), methods=["GET"])


@dataclass(frozen=True)
class Scope:
    requirement: RequiredTraining
    province: Province | None


def _scope(requirement_id: int) -> Scope:
    """The requirement and the province asked for (None: the nation by province); a province
    admin who asks for none gets their own; outside the admin's scope, a 403."""
    requirement = db.get_or_404(RequiredTraining, requirement_id)
    default = requirement.province_code or (
        None if roles.is_ministry_admin(current_user)
        else min(roles.admin_provinces(current_user)))
    code = request.args.get("province", default) or None
    if not required.may_view(current_user, requirement, code):
        abort(403)
    province = db.get_or_404(Province, code) if code else None
    return Scope(requirement, province)


def _sort() -> tuple[str, bool]:
    sort = request.args.get("sort", "name")
    return (sort if sort in queries.SORTS else "name"), request.args.get("dir") == "desc"


def _report(scope: Scope) -> queries.Report:
    sort, descending = _sort()
    return queries.by_area(db.session, scope.requirement,
                           scope.province.code if scope.province else None, clock.today(),
                           sort, descending)


def compliance(requirement_id: int):
    """The page's figures may be up to a minute old (``compliance_cache``); it says when
    they were counted. Its exports count afresh."""
    scope = _scope(requirement_id)
    sort, descending = _sort()
    counted = compliance_cache.by_area(db.session, scope.requirement,
                                       scope.province.code if scope.province else None,
                                       clock.today(), sort, descending)
    report = counted.report
    chart = None
    if scope.province is None:
        ranking = queries.ranked(report)
        chart = percent_bars([(row.name, row.percent) for row in ranking],
                             _("Tỉnh, thành phố xếp theo tỷ lệ hoàn thành"))
    return render_template(
        "learning/compliance.html", requirement=scope.requirement, province=scope.province,
        report=report, chart=chart, sort=sort, descending=descending, today=clock.today(),
        sorts=queries.SORTS, is_ministry=roles.is_ministry_admin(current_user),
        counted_at=counted.at, cache_seconds=compliance_cache.seconds())


def _figure_header(area: str) -> list[str]:
    return [area, _("Mã"), _("Thuộc diện"), _("Tự khai, chưa xác nhận"), _("Đã ghi danh"),
            _("Đã hoàn thành"), _("Quá hạn"), _("Tỷ lệ hoàn thành (%)")]


def _figure_row(row: queries.Area, name: str, code: str) -> list:
    return [name, code, *(getattr(row, figure) for figure in queries.FIGURES),
            "" if row.percent is None else row.percent]


def compliance_export(requirement_id: int, kind: str):
    scope = _scope(requirement_id)
    report = _report(scope)
    area = _("Xã, phường") if scope.province else _("Tỉnh, thành phố")
    stem = f"tuan-thu-{scope.requirement.id}-" + (
        scope.province.code if scope.province else "toan-quoc")
    return exports.send(_figure_header(area),
                        [_figure_row(row, row.name, row.code) for row in report.rows], stem,
                        kind, total=_figure_row(report.total, _("Tổng"), ""))


@dataclass(frozen=True)
class ListArgs:
    which: str
    commune: Commune | None
    sort: str


def _list_args(scope: Scope, which: str) -> ListArgs:
    """The lists are a province's (the nation's learners are listed province by province); a
    commune outside that province is a bad request."""
    if scope.province is None:
        abort(400)
    code = request.args.get("commune") or None
    commune = db.session.get(Commune, code) if code else None
    if code and (commune is None or commune.province_code != scope.province.code):
        abort(400)
    sort = request.args.get("sort", "commune")
    return ListArgs(which, commune, sort if sort in queries.LIST_SORTS else "commune")


def compliance_list(requirement_id: int, which: str):
    scope = _scope(requirement_id)
    args = _list_args(scope, which)
    page = queries.learners_page(
        db.session, scope.requirement, scope.province.code, clock.today(), which,
        args.commune.code if args.commune else None, args.sort,
        params.page_number(request.args))
    return render_template(
        "learning/compliance_list.html", requirement=scope.requirement,
        province=scope.province, args=args, page=page,
        communes=communes_of(db.session, scope.province.code), today=clock.today())


def compliance_list_export(requirement_id: int, which: str, kind: str):
    scope = _scope(requirement_id)
    args = _list_args(scope, which)
    people = queries.all_learners(db.session, scope.requirement, scope.province.code,
                                  clock.today(), which,
                                  args.commune.code if args.commune else None, args.sort)
    header = [_("Họ và tên"), _("Xã, phường"), _("Số điện thoại"), _("Thư điện tử"),
              _("Ngày ghi danh")]
    rows = [[p.full_name, p.commune, p.phone or "", p.email or "",
             clock.local_date(p.enrolled_at) if p.enrolled_at else _("Chưa ghi danh")]
            for p in people]
    stem = f"{'qua-han' if which == 'overdue' else 'chua-hoan-thanh'}-{scope.requirement.id}-" + (
        args.commune.code if args.commune else scope.province.code)
    total = [_("Tổng"), _("%(count)d người", count=len(rows)), "", "", ""]
    return exports.send(header, rows, stem, kind, total=total)
