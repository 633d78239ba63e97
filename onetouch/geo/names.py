"""Province names for pages that hold a province's code (a role's or a requirement's scope):
people read names, never codes. The 34 names are read once a request."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from onetouch.extensions import db
from onetouch.geo.models import Province


def province_names() -> dict[str, str]:
    """Code -> name of every province, read at the first call of a request."""
    if "province_names" not in g:
        g.province_names = dict(db.session.execute(select(Province.code, Province.name)).all())
    return g.province_names


def province_name(code: str | None) -> str:
    """The name of the province with this code ("" for None or an unknown code)."""
    return province_names().get(code or "", "")
