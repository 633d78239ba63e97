"""Administrative units: the 2025 map from the package, and the 63 pre-2025 provinces."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from vietnam_provinces import Province as PackageProvince
from vietnam_provinces import Ward as PackageWard

from onetouch.extensions import db
from onetouch.geo.models import Commune, LegacyProvince, Province
from onetouch.geo.services import communes_of, legacy_rows, load_units

# The pre-2025 map is history and does not change; the current one comes from the package.
LEGACY_PROVINCE_COUNT = 63


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_units_match_the_package(session):
    assert count(Province) == len(list(PackageProvince.iter_all()))
    assert count(Commune) == len(list(PackageWard.iter_all()))


def test_units_are_keyed_by_official_code(session):
    hanoi = db.session.get(Province, "01")
    assert hanoi.name == "Thành phố Hà Nội"
    ward = PackageWard.iter_all().__next__()
    stored = db.session.get(Commune, f"{int(ward.code):05d}")
    assert stored.name == ward.name
    assert stored.province_code == f"{int(ward.province_code):02d}"


def test_every_commune_belongs_to_a_loaded_province(session):
    orphans = db.session.scalar(
        select(func.count()).select_from(Commune)
        .outerjoin(Province, Commune.province_code == Province.code)
        .where(Province.code.is_(None))
    )
    assert orphans == 0
    assert all(communes_of(db.session, p.code) for p in db.session.scalars(select(Province)))


def test_each_old_province_maps_to_exactly_one_current_province(session):
    rows = list(legacy_rows())
    assert len(rows) == LEGACY_PROVINCE_COUNT
    assert len({row["code"] for row in rows}) == LEGACY_PROVINCE_COUNT
    stored = list(db.session.scalars(select(LegacyProvince)))
    assert len(stored) == LEGACY_PROVINCE_COUNT
    current = {p.code for p in db.session.scalars(select(Province))}
    assert all(old.province_code in current for old in stored)


def test_every_current_province_has_at_least_one_predecessor(session):
    successors = Counter(old.province_code for old in db.session.scalars(select(LegacyProvince)))
    current = {p.code for p in db.session.scalars(select(Province))}
    assert set(successors) == current
    assert sum(successors.values()) == LEGACY_PROVINCE_COUNT
    # Spot checks against Resolution 202/2025/QH15.
    assert db.session.get(LegacyProvince, "26").province_code == "25"  # Vĩnh Phúc -> Phú Thọ
    assert db.session.get(LegacyProvince, "74").province_code == "79"  # Bình Dương -> TP.HCM


def test_loading_again_changes_nothing(session):
    report = load_units(db.session)
    assert not report.changed()
    assert report.unchanged["communes"] == count(Commune)


def test_loading_repairs_a_changed_row(session):
    db.session.get(Province, "01").name = "sai tên"
    db.session.commit()
    report = load_units(db.session)
    db.session.commit()
    assert report.updated == {"provinces": 1}
    assert db.session.get(Province, "01").name == "Thành phố Hà Nội"


def test_geo_load_command(runner):
    result = runner.invoke(args=["geo", "load"])
    assert result.exit_code == 0, result.output
    assert "communes: 0 added, 0 updated" in result.output
