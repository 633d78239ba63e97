"""Finding learners for admins: one statement from the search text and the filters, for the
page (sorted, a page at a time) and for the export (every row, in the same order).

The text is read as an e-mail (it holds "@": exact, case-insensitive), a phone number in any
usual form (``accounts.phone``), or else a name: its folded words must each begin a word of
the stored folded name (``User.search_name``), so "hung" finds "Nguyễn Văn Hùng" and "Hưng"
but not "Phùng". A text that is none of these matches nobody: no condition ever compares a
column with NULL.

Status is read with the required-training rules of ``learning.required`` (the same conditions
as the compliance report), so "overdue" here is who the report counts as overdue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Integer,
    Select,
    and_,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from onetouch.accounts.models import AudienceGroup, User
from onetouch.accounts.phone import normalise_phone
from onetouch.accounts.services import normalise_email
from onetouch.content.models import Course
from onetouch.geo.models import Commune
from onetouch.learning import required
from onetouch.learning.models import Enrolment, RequiredTraining
from onetouch.text import fold

PAGE_SIZE = 50
MAX_TERMS = 6
# Name matches read from the word index and sorted at most; more are found by walking the names.
NAME_INDEX_LIMIT = 2000
EXPORT_LIMIT = 200_000  # rows in one file; a wider list is to be narrowed by a filter first
EXPORT_BATCH = 500  # learners loaded by one statement (ids bound as parameters)
STATUSES = ("enrolled", "completed", "overdue")
SORTS = ("name", "commune", "joined", "activity")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Filters:
    text: str = ""
    province_code: str | None = None
    commune_code: str | None = None
    audience: AudienceGroup | None = None
    course_id: int | None = None
    status: str | None = None  # one of STATUSES
    sort: str = "name"  # one of SORTS
    descending: bool = False


@dataclass(frozen=True)
class Row:
    user: User
    commune_name: str
    enrolled: int  # live enrolments
    completed: int


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    number: int
    has_next: bool


def _name_index(session: Session, terms: list[str]):
    """SQLite: the accounts whose folded name has a word beginning with each term, from the
    FTS5 index ``user_names`` (migration 9d2f6b8e4c17), when they are at most NAME_INDEX_LIMIT;
    else None. Few matches: the search reads those accounts alone, instead of walking the
    names in order until a page fills (a full name, 83 of a million: hundreds of thousands
    of rows). Many: they are dense in the names, so that walk fills a page at once, whereas
    reading and sorting them all would not. Terms hold only a-z and 0-9, each quoted:
    nothing in them is FTS5 syntax."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    names = table("user_names", column("rowid", Integer))
    match = " AND ".join(f'"{term}"*' for term in terms)
    ids = session.scalars(select(names.c.rowid).where(literal_column("user_names").match(match))
                          .limit(NAME_INDEX_LIMIT + 1)).all()
    return User.id.in_(ids) if len(ids) <= NAME_INDEX_LIMIT else None


def text_condition(session: Session, text: str):
    """What the search text selects; None when there is no text (everyone). A name's words
    are ``LIKE``s on the folded name on both engines; on SQLite they are first looked up in
    the word index (PostgreSQL has none for names: the name's B-tree is walked)."""
    text = " ".join(text.split())
    if not text:
        return None
    if "@" in text:
        return User.email == normalise_email(text)
    phone = normalise_phone(text)
    if phone is not None:
        return User.phone == phone
    terms = _WORD.findall(fold(text))[:MAX_TERMS]
    if not terms:
        return false()
    # Terms hold only a-z and 0-9: nothing in them is a LIKE wildcard.
    words = [or_(User.search_name.like(f"{term}%"), User.search_name.like(f"% {term}%"))
             for term in terms]
    found = _name_index(session, terms)
    return and_(*words) if found is None else and_(found, *words)


def live_requirements(session: Session, on: date, filters: Filters) -> list[RequiredTraining]:
    """Requirements in force on ``on`` that can make a learner of these filters overdue."""
    query = (select(RequiredTraining).join(RequiredTraining.course)
             .where(RequiredTraining.cancelled_at.is_(None), RequiredTraining.starts_on <= on,
                    RequiredTraining.deadline < on, Course.archived_at.is_(None)))
    if filters.province_code:
        query = query.where(or_(RequiredTraining.province_code.is_(None),
                                RequiredTraining.province_code == filters.province_code))
    if filters.audience:
        query = query.where(RequiredTraining.audience == filters.audience)
    if filters.course_id:
        query = query.where(RequiredTraining.course_id == filters.course_id)
    return list(session.scalars(query))


def _overdue(session: Session, on: date, filters: Filters):
    """Overdue on any live requirement, tested learner by learner as the list walks them in
    its order (``required.overdue_learner``)."""
    parts = [required.overdue_learner(requirement, on, filters.province_code)
             for requirement in live_requirements(session, on, filters)]
    return or_(*parts) if parts else false()


def _enrolment_exists(filters: Filters, completed: bool):
    conditions = [Enrolment.user_id == User.id, Enrolment.left_at.is_(None)]
    if filters.course_id:
        conditions.append(Enrolment.course_id == filters.course_id)
    if completed:  # as required training counts it: a revoked certificate reopens it
        conditions.append(required.completed())
    # The id alone: the enrolments' index of user, course and state then answers by itself.
    return select(Enrolment.id).where(*conditions).exists()


def conditions(session: Session, filters: Filters, on: date) -> list:
    found = [User.deleted_at.is_(None)]
    text = text_condition(session, filters.text)
    if text is not None:
        found.append(text)
    for field, value in ((User.province_code, filters.province_code),
                         (User.commune_code, filters.commune_code),
                         (User.audience, filters.audience)):
        if value:
            found.append(field == value)
    if filters.status == "overdue":
        found.append(_overdue(session, on, filters))
    elif filters.status in ("enrolled", "completed") or filters.course_id:
        found.append(_enrolment_exists(filters, filters.status == "completed"))
    return found


def _counts():
    live = and_(Enrolment.user_id == User.id, Enrolment.left_at.is_(None))
    enrolled = select(func.count(Enrolment.id)).where(live).correlate(User).scalar_subquery()
    completed = (select(func.count(Enrolment.id)).where(live, required.completed())
                 .correlate(User).scalar_subquery())
    return enrolled, completed


def _order(filters: Filters) -> list:
    """The sort, ties broken by id so that pages never overlap."""
    columns = {"name": User.search_name, "commune": Commune.name, "joined": User.created_at,
               "activity": User.last_login_at}
    column = columns.get(filters.sort, User.search_name)
    order = [column.desc(), User.id.desc()] if filters.descending else [column, User.id]
    if filters.sort == "activity":  # who never logged in comes last either way
        order.insert(0, User.last_login_at.is_(None))
    return order


def matching_ids(session: Session, filters: Filters, on: date) -> Select:
    """The ids of the learners the filters select, sorted: only the id and the sort key go
    through the sort, however many rows match."""
    query = select(User.id).where(*conditions(session, filters, on)).order_by(*_order(filters))
    if filters.sort == "commune":
        query = query.join(Commune, Commune.code == User.commune_code)
    return query


def rows_of(session: Session, ids: list[int]) -> list[Row]:
    """The learners of ``ids``, in that order, with their commune's name and course counts."""
    found = {user.id: Row(user, commune, enrolled, completed)
             for user, commune, enrolled, completed in session.execute(
                 select(User, Commune.name, *_counts())
                 .join(Commune, Commune.code == User.commune_code).where(User.id.in_(ids)))}
    return [found[user_id] for user_id in ids]


def page_of(session: Session, filters: Filters, on: date, number: int = 1) -> Page:
    ids = session.scalars(matching_ids(session, filters, on)
                          .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return Page(rows_of(session, list(ids[:PAGE_SIZE])), number, len(ids) > PAGE_SIZE)


def all_of(session: Session, filters: Filters, on: date) -> list[Row] | None:
    """Every row for an export; None when there are more than EXPORT_LIMIT."""
    ids = session.scalars(matching_ids(session, filters, on).limit(EXPORT_LIMIT + 1)).all()
    if len(ids) > EXPORT_LIMIT:
        return None
    rows: list[Row] = []
    for start in range(0, len(ids), EXPORT_BATCH):
        rows += rows_of(session, list(ids[start:start + EXPORT_BATCH]))
    return rows
