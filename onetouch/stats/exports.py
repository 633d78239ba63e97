"""CSV and XLSX of the view on screen, named after its filters."""

from __future__ import annotations

from flask import Response

from onetouch.core import exports
from onetouch.stats.queries import FIGURES, Totals

HEADER = ["code", "name", *FIGURES]


def send(totals: Totals, file_stem: str, kind: str) -> Response:
    rows = ([row.code, row.name, *(getattr(row, f) for f in FIGURES)] for row in totals.rows)
    return exports.send(HEADER, rows, file_stem, kind)
