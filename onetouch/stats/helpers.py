"""Assisted sign-ups per community team member of a province: for that province's admins
only (names), never on a public page. Counted from the users table itself, not the rollups:
the per-member figure has no rollup, and ``ix_users_province_assisted_by`` (partial, on the
helped users alone) keeps it to the province's helped people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from onetouch.accounts.models import User
from onetouch.core.clock import VIETNAM
from onetouch.geo.models import Commune
from onetouch.stats.filters import Filters
from onetouch.text import sorted_names


@dataclass
class HelperRow:
    user_id: int
    name: str
    commune: str
    deleted: bool
    signups: int


def since(day) -> datetime:
    return datetime.combine(day, time(), VIETNAM)


def by_helper(session: Session, province_code: str, filters: Filters) -> list[HelperRow]:
    """Each team member who signed up people of the province, with how many (in the days of
    the filters; course and audience do not apply to a sign-up by someone else's hand)."""
    helped = aliased(User)
    counted = (select(helped.assisted_by_id, func.count().label("signups"))
               .where(helped.province_code == province_code, helped.assisted_by_id.is_not(None))
               .group_by(helped.assisted_by_id))
    if filters.start:
        counted = counted.where(helped.created_at >= since(filters.start))
    if filters.end:
        counted = counted.where(helped.created_at < since(filters.end + timedelta(days=1)))
    counts = counted.subquery()
    found = session.execute(
        select(User.id, User.full_name, Commune.name, User.deleted_at, counts.c.signups)
        .join(counts, counts.c.assisted_by_id == User.id)
        .join(Commune, Commune.code == User.commune_code, isouter=True))
    rows = [HelperRow(user_id, name, commune or "", deleted is not None, signups)
            for user_id, name, commune, deleted, signups in found]
    return sorted_names(rows, name=lambda row: row.name)
