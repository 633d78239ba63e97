"""CSV and XLSX of the view on screen, named after its filters."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response
from openpyxl import Workbook

from onetouch.stats.queries import FIGURES, Totals

HEADER = ["code", "name", *FIGURES]


def _csv_lines(totals: Totals) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # so spreadsheet programs read the Vietnamese names as UTF-8
    for row in [HEADER, *([r.code, r.name, *(getattr(r, f) for f in FIGURES)]
                          for r in totals.rows)]:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def send(totals: Totals, file_stem: str, kind: str) -> Response:
    if kind == "csv":
        return Response(_csv_lines(totals), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{file_stem}.csv"'})
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("OneTouch")
    sheet.append(HEADER)
    for row in totals.rows:
        sheet.append([row.code, row.name, *(getattr(row, f) for f in FIGURES)])
    body = io.BytesIO()
    workbook.save(body)
    return Response(body.getvalue(), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
        "Content-Disposition": f'attachment; filename="{file_stem}.xlsx"'})
