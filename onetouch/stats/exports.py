"""CSV and XLSX of the view on screen, named after its filters: Vietnamese headers, one row
per area by name (with its code beside it), and the total row that the page shows."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from onetouch.core import exports
from onetouch.stats import wording
from onetouch.stats.filters import Filters
from onetouch.stats.queries import FIGURES, Totals


def send(totals: Totals, filters: Filters, area: str, file_stem: str, kind: str) -> Response:
    """:param area: the header of the area column ("Tỉnh, thành phố", "Xã, phường")."""
    names = (*FIGURES, "assisted") if totals.with_assisted else FIGURES
    rows = ([row.name, row.code, *(getattr(row, name) for name in names)]
            for row in totals.rows)
    total = [_("Tổng"), "", *(totals.total(name) for name in names)]
    header = wording.export_header(filters, area)
    if totals.with_assisted:
        header.append(wording.assisted_label())
    return exports.send(header, rows, file_stem, kind, total=total)


def send_team(rows: list, file_stem: str, kind: str) -> Response:
    """Assisted sign-ups per community team member (stats/helpers.py), with a total row."""
    header = [_("Thành viên tổ công nghệ số"), _("Xã, phường"), wording.assisted_label()]
    lines = ([_("Tài khoản đã xóa") if row.deleted else row.name, row.commune, row.signups]
             for row in rows)
    total = [_("Tổng"), "", sum(row.signups for row in rows)]
    return exports.send(header, lines, file_stem, kind, total=total)
