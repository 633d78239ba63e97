"""Each row of an upload judged against the database: new, already registered, or an error with
its reason. Reads only; the same judgement serves the preview, the import and the command line.

A row is matched to an account by its phone or its e-mail. The communes of the province are
read once and matched by code (leading zeros restored: spreadsheets drop them) or by name, with
or without accents and with or without "Xã"/"Phường"; a name several communes share is left to
a choice (``choices``, by line) before the row can be imported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.accounts.models import AUDIENCE_LABELS, AudienceGroup, User
from onetouch.accounts.phone import normalise_phone
from onetouch.accounts.services import normalise_email
from onetouch.geo.models import Commune
from onetouch.text import fold

NEW, EXISTING, ERROR = "new", "existing", "error"
CHUNK = 500  # values in one IN (...): SQLite allows a few thousand at most
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UNIT_WORDS = ("xa ", "phuong ", "dac khu ", "thi tran ")


@dataclass
class Row:
    line: int
    full_name: str
    phone: str | None
    email: str | None
    commune_text: str
    position: str
    status: str = NEW
    reason: str = ""
    audience: AudienceGroup | None = None
    commune: Commune | None = None
    choices: list[Commune] = field(default_factory=list)
    user: User | None = None


def _key(text: str) -> str:
    return " ".join(fold(text).replace(",", " ").split())


def _exact(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _audiences() -> dict[str, AudienceGroup]:
    known = {group.value: group for group in AudienceGroup}
    known |= {_key(str(label)): group for group, label in AUDIENCE_LABELS.items()}
    known |= {"can bo xa": AudienceGroup.COMMUNE_OFFICIAL, "nguoi dan": AudienceGroup.CITIZEN,
              "to cong nghe so": AudienceGroup.DIGITAL_TEAM}
    return known


class Communes:
    """The communes of one province, by code and by folded name (with and without its kind)."""

    def __init__(self, session: Session, province_code: str) -> None:
        self.province_code = province_code
        self.by_code: dict[str, Commune] = {}
        # Spelt with its accents, a name is found among those spelt so; without them, among
        # all that fold to it ("Thanh An" is both "Xã Thanh An" and "Xã Thạnh An").
        self.by_exact: dict[str, list[Commune]] = defaultdict(list)
        self.by_name: dict[str, list[Commune]] = defaultdict(list)
        for commune in session.scalars(select(Commune).where(
                Commune.province_code == province_code)):
            self.by_code[commune.code] = commune
            for index, key in ((self.by_exact, _exact), (self.by_name, _key)):
                full = key(commune.name)
                index[full].append(commune)
                parts = full.split(" ", 2)
                kind = " ".join(parts[:2]) if _key(" ".join(parts[:2])) == "dac khu" \
                    else parts[0]
                if _key(kind) + " " in UNIT_WORDS:
                    index[full.removeprefix(kind).strip()].append(commune)

    def find(self, text: str) -> list[Commune]:
        text = text.strip()
        if text.isdigit():
            code = text.zfill(5)
            return [self.by_code[code]] if code in self.by_code else []
        accented = fold(text) != text.lower()  # "thanh an" may be written for "Thạnh An"
        found = (self.by_exact.get(_exact(text)) if accented else None) \
            or self.by_name.get(_key(text), [])
        return list({c.code: c for c in found}.values())


def judge(session: Session, province_code: str, raw_rows: list[dict],
          choices: dict[int, str] | None = None) -> list[Row]:
    """Every row of an upload, judged; ``choices``: a commune code chosen by line number."""
    communes, audiences = Communes(session, province_code), _audiences()
    rows = [_parse(raw, communes, audiences, choices or {}) for raw in raw_rows]
    _match_accounts(session, rows)
    _mark_duplicates(rows)
    for row in rows:
        if row.status == EXISTING and row.user.province_code != province_code:
            row.reason = str(_l("Tài khoản thuộc tỉnh khác: không thay đổi."))
    return rows


def _parse(raw: dict, communes: Communes, audiences: dict, choices: dict[int, str]) -> Row:
    phone_text, email_text = raw.get("phone", ""), raw.get("email", "")
    row = Row(line=int(raw["line"]), full_name=" ".join(raw.get("full_name", "").split()),
              phone=normalise_phone(phone_text) if phone_text else None,
              email=normalise_email(email_text), commune_text=raw.get("commune", ""),
              position=" ".join(raw.get("position", "").split()))
    row.audience = audiences.get(_key(raw.get("audience", "")))
    _place(row, communes, choices.get(row.line))
    problem = _problem(row, phone_text, email_text)
    if problem:
        row.status, row.reason = ERROR, str(problem)
    return row


def _place(row: Row, communes: Communes, chosen: str | None) -> None:
    found = communes.find(row.commune_text)
    if len(found) == 1:
        row.commune = found[0]
    elif len(found) > 1:
        row.choices = found
        row.commune = next((c for c in found if c.code == chosen), None)


def _problem(row: Row, phone_text: str, email_text: str):
    if not row.full_name or len(row.full_name) > 200:
        return _l("Thiếu họ và tên (hoặc dài quá 200 ký tự).")
    return _contact_problem(row, phone_text, email_text) or _group_problem(row)


def _contact_problem(row: Row, phone_text: str, email_text: str):
    if phone_text and row.phone is None:
        return _l("Số điện thoại di động không hợp lệ.")
    if email_text and (not EMAIL.match(row.email or "") or len(row.email) > 254):
        return _l("Email không hợp lệ.")
    if not row.phone and not row.email:
        return _l("Cần số điện thoại di động hoặc email.")
    return None


def _group_problem(row: Row):
    if row.commune is None:
        return _commune_problem(row)
    if row.audience is None:
        return _l("Nhóm đối tượng không rõ: dùng một nhóm như trong tệp mẫu.")
    if row.audience is AudienceGroup.COMMUNE_OFFICIAL and not row.position:
        return _l("Cán bộ cấp xã cần có chức vụ.")
    if len(row.position) > 200:
        return _l("Chức vụ dài quá 200 ký tự.")
    return None


def _commune_problem(row: Row):
    if row.choices:
        return _l("Có nhiều xã, phường tên \"%(name)s\": hãy chọn một.", name=row.commune_text)
    if not row.commune_text:
        return _l("Thiếu xã, phường.")
    return _l("Không tìm thấy xã, phường \"%(name)s\" trong tỉnh này.", name=row.commune_text)


def _mark_duplicates(rows: list[Row]) -> None:
    """The second row with a phone or e-mail already in the file is an error, whatever else."""
    seen: dict[str, int] = {}
    for row in rows:
        for value in filter(None, (row.phone, row.email)):
            if value in seen:
                row.status, row.user = ERROR, None
                row.reason = str(_l("Trùng số điện thoại hoặc email với dòng %(line)d.",
                                    line=seen[value]))
            seen.setdefault(value, row.line)


def _match_accounts(session: Session, rows: list[Row]) -> None:
    by_phone = _users(session, User.phone, [r.phone for r in rows if r.phone])
    by_email = _users(session, User.email, [r.email for r in rows if r.email])
    for row in rows:
        phone_owner, email_owner = by_phone.get(row.phone), by_email.get(row.email)
        if phone_owner and email_owner and phone_owner.id != email_owner.id:
            row.status = ERROR
            row.reason = str(_l("Số điện thoại và email thuộc hai tài khoản khác nhau."))
        elif phone_owner or email_owner:  # registered: the row's other fields are not used
            row.status, row.reason, row.user = EXISTING, "", phone_owner or email_owner


def _users(session: Session, column, values: list[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        for user in session.scalars(select(User).where(column.in_(chunk))):
            found[user.phone if column is User.phone else user.email] = user
    return found
