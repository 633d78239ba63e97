"""People of a province by age group, from the birth year some of them gave (optional): for
the province's admins, never a person's year. Counted from ``users`` with
``ix_users_province_birth_year`` (partial: only those who gave a year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onetouch.accounts.models import User
from onetouch.core.clock import today
from onetouch.stats.filters import Filters
from onetouch.stats.helpers import since

# (label, youngest age, oldest age), ages reached this year.
GROUPS = ((_l("Dưới 30 tuổi"), 0, 29), (_l("30–44 tuổi"), 30, 44), (_l("45–59 tuổi"), 45, 59),
          (_l("60–74 tuổi"), 60, 74), (_l("Từ 75 tuổi"), 75, 200))


@dataclass
class AgeGroup:
    label: str
    people: int


def by_age(session: Session, province_code: str, filters: Filters) -> list[AgeGroup]:
    """Each age group's people (signed up in the days of the filters), youngest first."""
    query = (select(User.birth_year, func.count())
             .where(User.province_code == province_code, User.birth_year.is_not(None),
                    User.deleted_at.is_(None))
             .group_by(User.birth_year))
    if filters.start:
        query = query.where(User.created_at >= since(filters.start))
    if filters.end:
        query = query.where(User.created_at < since(filters.end + timedelta(days=1)))
    year = today().year
    counts = session.execute(query).all()
    return [AgeGroup(str(label), sum(n for born, n in counts if low <= year - born <= high))
            for label, low, high in GROUPS]
