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
    rows = ([row.name, row.code, *(getattr(row, name) for name in FIGURES)]
            for row in totals.rows)
    total = [_("Tổng"), "", *(totals.total(name) for name in FIGURES)]
    return exports.send(wording.export_header(filters, area), rows, file_stem, kind,
                        total=total)
