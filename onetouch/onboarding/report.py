"""The report of an import: every row of the file, its outcome, and each new account's
one-time sign-in code (only here: the database keeps a hash of it)."""

from __future__ import annotations

from collections.abc import Iterator

from onetouch.accounts.phone import display_phone
from onetouch.core import clock
from onetouch.onboarding import rows as judged
from onetouch.onboarding.services import Outcome

HEADER = ("Dòng", "Họ và tên", "Số điện thoại", "Email", "Xã, phường", "Kết quả",
          "Mã đăng nhập lần đầu", "Mã dùng được đến", "Ghi chú")
STATUS = {judged.NEW: "Tài khoản mới", judged.EXISTING: "Đã đăng ký", judged.ERROR: "Lỗi"}


def rows(outcome: Outcome) -> Iterator[tuple]:
    for row in outcome.rows:
        one = outcome.issued.get(row.user.id) if row.status == judged.NEW else None
        until = clock.datetime_text(one.expires_at) if one else ""
        yield (row.line, _safe(row.full_name), display_phone(row.phone) if row.phone else "",
               _safe(row.email or ""),
               row.commune.name if row.commune else _safe(row.commune_text),
               STATUS[row.status], one.code if one else "", until, row.reason)


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula is written as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
