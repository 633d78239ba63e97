"""Loading and reading administrative units.

Units are loaded by code from the ``vietnam-provinces`` package (never matched by name),
and the pre-2025 provinces from ``data/legacy_provinces.csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from onetouch.geo.models import Commune, LegacyProvince, Province
from onetouch.text import fold, sorted_places

LEGACY_FILE = "legacy_provinces.csv"
COMMUNE_LEGACY_FILE = "commune_legacy_provinces.csv"


@dataclass
class LoadReport:
    """How many rows of each table were added, updated or already right."""

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[table] = bucket.get(table, 0) + 1

    def changed(self) -> bool:
        return bool(self.added or self.updated)


def province_rows() -> Iterator[dict]:
    # The package is read by `flask geo load` only; a web worker reads the database.
    from vietnam_provinces import Province as PackageProvince

    for item in PackageProvince.iter_all():
        yield {
            "code": f"{int(item.code):02d}",
            "name": item.name,
            "division_type": item.division_type.value,
            "codename": item.codename,
        }


def commune_rows() -> Iterator[dict]:
    from vietnam_provinces import Ward as PackageWard

    legacy = commune_legacy_codes()
    for item in PackageWard.iter_all():
        code = f"{int(item.code):05d}"
        yield {
            "code": code,
            "name": item.name,
            "division_type": item.division_type.value,
            "codename": item.codename,
            "province_code": f"{int(item.province_code):02d}",
            "legacy_province_code": legacy.get(code),
        }


def _data_rows(name: str) -> Iterator[dict]:
    text = resources.files("onetouch.geo").joinpath("data", name).read_text("utf-8")
    yield from csv.DictReader(line for line in text.splitlines()
                              if line and not line.startswith("#"))


def commune_legacy_codes() -> dict[str, str]:
    return {row["commune_code"]: row["legacy_code"] for row in _data_rows(COMMUNE_LEGACY_FILE)}


def legacy_rows() -> Iterator[dict]:
    for row in _data_rows(LEGACY_FILE):
        yield {
            "code": row["legacy_code"],
            "name": row["legacy_name"],
            "province_code": row["current_code"],
        }


def load_units(session: Session) -> LoadReport:
    """Insert or update every unit so the tables match the package and the legacy file.

    Safe to run again: rows that already match are left alone. Units that disappeared
    from the source are kept, because users and statistics may still point at them.

    :param session: the session to add to; the caller commits.
    """
    report = LoadReport()
    _upsert(session, Province, province_rows(), report)
    session.flush()
    _upsert(session, LegacyProvince, legacy_rows(), report)
    session.flush()
    _upsert(session, Commune, commune_rows(), report)
    session.flush()
    return report


def _upsert(session: Session, model, rows: Iterable[dict], report: LoadReport) -> None:
    existing = {row.code: row for row in session.scalars(select(model))}
    table = model.__tablename__
    for values in rows:
        current = existing.get(values["code"])
        if current is None:
            session.add(model(**values))
            report.count(table, "added")
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            report.count(table, "updated")
        else:
            report.count(table, "unchanged")


def provinces(session: Session) -> list[Province]:
    """The 34 provinces in Vietnamese order of their names ("Thành phố Hà Nội" under H)."""
    return sorted_places(session.scalars(select(Province)))


def matching_communes(communes: Iterable[Commune], query: str) -> list[Commune]:
    """The communes whose name holds every word of the query, accents or none: "hoan kiem"
    finds "Phường Hoàn Kiếm", as does "Hoàn Kiếm" (a phone keyboard without Telex too)."""
    words = fold(query).split()
    return [commune for commune in communes
            if words and all(word in fold(commune.name) for word in words)]


def communes_of(session: Session, province_code: str) -> list[Commune]:
    """A province's communes in Vietnamese order of their names ("Phường Ba Đình" under B)."""
    return sorted_places(session.scalars(
        select(Commune).where(Commune.province_code == province_code)))
