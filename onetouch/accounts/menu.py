"""The admin menu of every page's header: each admin page the logged-in user may open.

Pages are named by their address, not by endpoint, so that this list names pages of the
features built on accounts without importing them; a page whose address no route of this
application serves is left out, so the menu never leads to a 404. Who may open a page is
said here once more (a ministry admin's page, or every admin's, a province admin seeing their
provinces' part of it): ``tests/accounts/test_menu.py`` opens every admin page as each kind
of admin and checks it against this list, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from onetouch.accounts import roles
from onetouch.accounts.models import User
from onetouch.extensions import db
from onetouch.geo.models import Province
from onetouch.text import sorted_places


@dataclass(frozen=True)
class Page:
    path: str
    label: object  # a lazy string
    ministry_only: bool = False


PAGES = (
    Page("/admin/learners", _l("Danh sách người học")),
    Page("/admin/required", _l("Khóa học bắt buộc và báo cáo")),
    Page("/admin/officials", _l("Xác nhận cán bộ, tổ viên")),
    Page("/admin/import", _l("Nhập danh sách người dùng")),
    Page("/admin/users", _l("Người dùng và vai trò"), ministry_only=True),
    Page("/admin/certificates", _l("Thu hồi chứng chỉ"), ministry_only=True),
    Page("/admin/audit", _l("Nhật ký quản trị")),
    Page("/stats", _l("Thống kê toàn quốc"), ministry_only=True),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool


def served(path: str) -> bool:
    """Whether a route of this application answers a GET of ``path``."""
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def admin_menu(user: User) -> list[Link]:
    """The admin pages ``user`` may open, in menu order; empty for anyone who is no admin."""
    if not roles.is_admin(user):
        return []
    ministry = roles.is_ministry_admin(user)
    here = request.path
    links = [Link(request.script_root + page.path, str(page.label), here == page.path)
             for page in PAGES if (ministry or not page.ministry_only) and served(page.path)]
    if not ministry:
        links += _province_statistics(user, here)
    return links


def _province_statistics(user: User, here: str) -> list[Link]:
    """A province admin's statistics: their provinces' pages (the ministry has the nation's)."""
    query = (select(Province.code, Province.name)
             .where(Province.code.in_(roles.admin_provinces(user))))
    links = []
    for code, name in sorted_places(db.session.execute(query), name=lambda row: row.name):
        path = f"/stats/provinces/{code}"
        if served(path):
            links.append(Link(request.script_root + path,
                              _("Thống kê: %(province)s", province=name), here == path))
    return links
