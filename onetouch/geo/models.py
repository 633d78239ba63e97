"""Administrative units: the 2025 map (provinces and communes) and the pre-2025 provinces."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from onetouch.extensions import db


class Province(db.Model):
    """A province or centrally-run city of the 2025 map, keyed by its official code ("01")."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    division_type: Mapped[str] = mapped_column(String(40))
    codename: Mapped[str] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"<Province {self.code} {self.name}>"


class Commune(db.Model):
    """A commune, ward or special zone (the commune level of the 2025 map)."""

    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    division_type: Mapped[str] = mapped_column(String(40))
    codename: Mapped[str] = mapped_column(String(100))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    # The pre-2025 province the commune lies in (data/commune_legacy_provinces.csv).
    legacy_province_code: Mapped[str | None] = mapped_column(
        ForeignKey("legacy_provinces.code"), index=True)

    province: Mapped[Province] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<Commune {self.code} {self.name}>"


class LegacyProvince(db.Model):
    """One of the 63 provinces before 1 July 2025, and the current province it became part of."""

    __tablename__ = "legacy_provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)

    province: Mapped[Province] = relationship()

    def __repr__(self) -> str:
        return f"<LegacyProvince {self.code} {self.name} -> {self.province_code}>"
