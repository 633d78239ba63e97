"""An uploaded file -> rows of text, or one clear reason why not. Nothing is written here.

CSV files come from Excel and LibreOffice in three encodings in Việt Nam: UTF-8, UTF-8 with a
BOM (Excel's "CSV UTF-8") and Windows-1258 (Excel's plain "CSV" on a Vietnamese Windows). The
encoding is decided explicitly, never guessed by a library: a BOM, else strict UTF-8, else
Windows-1258 if the result is plain text (Windows-1258 writes tones as combining marks: they
are composed to the usual precomposed letters). XLSX is read by openpyxl in read-only mode, with
formulas as their text: a cell beginning with "=" refuses the whole file, and no formula is ever
evaluated (nor written back into the report, where a spreadsheet would run it).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from onetouch.core.rules import RuleError
from onetouch.text import fold

MAX_ROWS = 20_000
XLSX_MAGIC = b"PK\x03\x04"

# The columns, by key: the template's Vietnamese header, then other spellings accepted
# (compared folded: no accents, lower case, single spaces).
COLUMNS = {
    "full_name": ("Họ và tên", "ho ten", "ho va ten", "full name", "full_name", "name"),
    "phone": ("Số điện thoại", "so dien thoai", "dien thoai", "sdt", "phone"),
    "email": ("Email", "e-mail", "thu dien tu"),
    "commune": ("Xã, phường (mã hoặc tên)", "xa, phuong", "xa phuong", "ma xa", "xa",
                "commune", "commune_code"),
    "audience": ("Nhóm đối tượng", "doi tuong", "nhom", "audience"),
    "position": ("Chức vụ", "chuc danh", "position"),
}
REQUIRED = ("full_name", "phone", "email", "commune", "audience", "position")
HEADER = [names[0] for names in COLUMNS.values()]


class FileRefused(RuleError):
    """The file as a whole cannot be read; nothing was written."""


@dataclass(frozen=True)
class Table:
    """Each data row as a dict by column key, and its line number in the file (header = 1)."""

    rows: list[dict[str, str]]


def read(data: bytes, filename: str = "") -> Table:
    """:raises FileRefused: empty, unreadable, wrong columns, too many rows, a formula."""
    if not data.strip():
        raise FileRefused(_l("Tệp trống: không có dòng nào để nhập."))
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        lines = _xlsx_lines(data)
    else:
        lines = csv.reader(io.StringIO(decode(data), newline=""))
    return _table(lines)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_l("Tệp CSV được lưu bằng UTF-16. Hãy lưu lại dưới dạng \"CSV UTF-8\"."))
    data = data.removeprefix(b"\xef\xbb\xbf")  # Excel's "CSV UTF-8"
    if _utf8(data):
        return data.decode("utf-8")
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        _unreadable()
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        _unreadable()
    return text


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unreadable():
    raise FileRefused(_l("Không đọc được tệp: hãy dùng tệp XLSX, hoặc CSV mã hóa UTF-8 hay "
                         "Windows-1258 (tải tệp mẫu để xem cách trình bày)."))


def _xlsx_lines(data: bytes):
    from openpyxl import load_workbook  # 8 MB of modules, only in the worker that needs them

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileRefused(_l("Không mở được tệp XLSX. Hãy lưu lại bằng Excel hoặc LibreOffice "
                             "dưới dạng .xlsx.")) from None
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if value is None else _cell_text(value) for value in row]
    book.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed as a number: 912345678.0
    return str(value)


def _table(lines) -> Table:
    header: dict[str, int] | None = None
    rows: list[dict[str, str]] = []
    for number, cells in enumerate(lines, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        _refuse_formula(cells, number)
        if header is None:
            header = _header(cells)
            continue
        if len(rows) == MAX_ROWS:
            raise FileRefused(_l("Tệp có hơn %(max)s dòng. Hãy chia thành nhiều tệp, mỗi tệp "
                                 "không quá %(max)s dòng.", max="20.000"))
        row = {key: (cells[index] if index < len(cells) else "") for key, index in header.items()}
        row["line"] = str(number)
        rows.append(row)
    if not rows:
        raise FileRefused(_l("Tệp trống: không có dòng nào để nhập."))
    return Table(rows)


def _refuse_formula(cells: list[str], number: int) -> None:
    for cell in cells:
        if cell.startswith("="):
            raise FileRefused(_l("Dòng %(line)d có công thức (ô bắt đầu bằng \"=\"). Tệp nhập "
                                 "không được chứa công thức: hãy dán giá trị thay cho công thức.",
                                 line=number))


def _header(cells: list[str]) -> dict[str, int]:
    folded = [" ".join(fold(cell).split()) for cell in cells]
    found: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for name in names:
            target = " ".join(fold(name).split())
            if target in folded:
                found[key] = folded.index(target)
                break
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    if missing:
        raise FileRefused(_l("Tệp thiếu cột: %(columns)s. Dòng đầu tiên phải là tên các cột, "
                             "như trong tệp mẫu.", columns="; ".join(missing)))
    return found
