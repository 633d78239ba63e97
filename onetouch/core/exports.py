"""A table as a CSV or XLSX download: a header row of column names, the rows, and an
optional total row, the same in both formats."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = frozenset({"csv", "xlsx"})


CSV_ROWS_A_CHUNK = 500  # one chunk per row cost the server as much as writing the rows


def _csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # so that spreadsheet programs read Vietnamese as UTF-8
    rows = iter(rows)
    while chunk := list(islice(rows, CSV_ROWS_A_CHUNK)):
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def send(header: Sequence[str], rows: Iterable[Sequence], file_stem: str, kind: str,
         total: Sequence | None = None) -> Response:
    """:param kind: "csv" or "xlsx"; the caller has checked it against ``KINDS``."""
    every = [list(header), *rows, *([list(total)] if total is not None else [])]
    disposition = {"Content-Disposition": f'attachment; filename="{file_stem}.{kind}"'}
    if kind == "csv":
        return Response(_csv_lines(every), mimetype="text/csv", headers=disposition)
    # openpyxl (8 MB, 200 modules) loads in the worker that writes a spreadsheet, not in all.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("OneTouch")
    for row in every:
        sheet.append(list(row))
    body = io.BytesIO()
    workbook.save(body)
    return Response(body.getvalue(), mimetype=XLSX, headers=disposition)
