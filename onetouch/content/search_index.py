"""The full-text index behind search: what each engine keeps, and the ranked query on it.

The index is made by a migration and is not declared in the models (neither engine's
structure can be written as a portable table). Both engines index the same text: the folded
``search_text`` of courses and modules, split into a title (its first ``len(title)``
characters: ``fold`` keeps the length) and a body (after the one separator that follows),
cut into words of ``[a-z0-9]`` the way ``terms_of`` reads a query.

- SQLite: one FTS5 table, ``search_index``, with external content: the view
  ``search_documents`` of the live courses and lessons (not archived, in a course not
  archived), so no text is stored twice. Courses and lessons share the index, and so the
  statistics ``bm25()`` weighs words by, under one rowid: a lesson's id, or a course's id
  negated. Triggers on ``courses`` and ``modules`` keep it equal to the view on every write,
  a sync's included: a course archived takes its lessons out, one restored puts them back.
  With only live rows in the index, the ranking reads nothing but the index; the rows of
  the page of results alone are then read from the tables. A sync ends by merging the
  index into one segment (``optimize``). A migration that rebuilds either table (Alembic's
  batch mode) must drop the view and the triggers first and make them again.
- PostgreSQL: a generated ``tsvector`` column, ``search_vector``, on each table (title
  weight A, body weight B), with a GIN index, in the ``simple`` configuration: there is no
  Vietnamese stemmer, and the text is folded already. ``unaccent`` is not used: the
  Python-folded text is the same on both engines, and ``unaccent()`` is not immutable, so
  a generated column could not call it. Archived rows are left out by the query. A
  lesson's vector (about 6 KB) is kept in its row, not in the TOAST table (migration
  ``aed9d278df92``): the query reads it for every matching lesson.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import (
    Integer,
    LargeBinary,
    bindparam,
    case,
    cast,
    column,
    func,
    literal_column,
    null,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from onetouch.content.models import Course, Module

# A word in a title counts ten times a word in a body.
TITLE_WEIGHT = 10.0

# What the migration makes and the models do not declare: Alembic's comparison of the
# models with the database skips these names (see migrations/env.py).
INDEX_TABLE = "search_index"
# The learners' name index (migration 9d2f6b8e4c17, SQLite only): skipped the same way.
NAME_INDEX_TABLE = "user_names"
INDEX_COLUMN = "search_vector"
INDEX_INDEXES = {"ix_courses_search_vector", "ix_modules_search_vector"}


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name`` hook: False for the search index's own structures."""
    if type_ == "table":
        # FTS5 keeps its data in shadow tables named after the index.
        return not any(name == index or (name or "").startswith(index + "_")
                       for index in (INDEX_TABLE, NAME_INDEX_TABLE))
    if type_ == "column":
        return name != INDEX_COLUMN
    if type_ == "index":
        return name not in INDEX_INDEXES
    return True


class Ranked(NamedTuple):
    """One hit, with what the results page shows of it: a course's own entry (its title and
    summary) or a lesson's (its title, its course's, its text), never both."""

    course_slug: str
    course_title: str
    module_slug: str | None
    module_title: str | None
    text_utf8: bytes  # the lesson's plain text, or the course's summary, undecoded
    search_text: str  # the same folded, after the folded title and one separator
    score: float  # higher is better


def _shown(found, lesson, course, ties: tuple, utf8):
    """The ``found`` rows (at most ``limit``, after the ``offset`` best) joined to what is
    shown of them, in one statement: the ranking, the lessons' text and the courses' titles
    in one round trip.

    :param lesson: a found row's lesson id, NULL for a course's own entry; ``course``: the
        course id of a course's own entry, else NULL.
    :param ties: the order of equal scores, the same as where ``found`` was cut.
    :param utf8: the engine's function from text to its UTF-8 bytes. The text comes back
        undecoded: the passage under a hit needs its first few hundred characters only.
    """
    courses, modules = Course.__table__, Module.__table__
    return (
        select(courses.c.slug, courses.c.title, modules.c.slug, modules.c.title,
               utf8(func.coalesce(modules.c.plain_text, courses.c.summary)),
               func.coalesce(modules.c.search_text, courses.c.search_text), found.c.score)
        .select_from(found)
        .outerjoin(modules, modules.c.id == lesson)
        .join(courses, courses.c.id == func.coalesce(modules.c.course_id, course))
        .order_by(found.c.score.desc(), *ties)
    )


def _sqlite_statement():
    index = table(INDEX_TABLE, column("rowid", Integer))
    name = literal_column(INDEX_TABLE)
    # bm25() is negative, lower for a better match.
    score = (-func.bm25(name, TITLE_WEIGHT, 1.0)).label("score")
    found = (
        select(index.c.rowid.label("document"), score)
        .where(name.op("MATCH")(bindparam("query")))
        .order_by(score.desc(), index.c.rowid)  # ties: courses (negative rowids) first
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("found")
    )
    lesson = case((found.c.document > 0, found.c.document))
    course = case((found.c.document < 0, -found.c.document))
    return _shown(found, lesson, course, (found.c.document,),
                  lambda text_: cast(text_, LargeBinary))


def _postgresql_statement():
    query = func.to_tsquery("simple", bindparam("query"))
    # ts_rank_cd's weights, in the order D, C, B, A: titles are A, bodies B.
    weights = literal_column(f"'{{0, 0, {1 / TITLE_WEIGHT}, 1}}'::float4[]")
    vector = {name: literal_column(f"{name}.{INDEX_COLUMN}") for name in ("courses", "modules")}
    courses = (
        select(Course.id.label("course_id"), null().label("module_id"),
               func.ts_rank_cd(weights, vector["courses"], query).label("score"))
        .where(vector["courses"].op("@@")(query), Course.archived_at.is_(None))
    )
    modules = (
        select(null(), Module.id, func.ts_rank_cd(weights, vector["modules"], query))
        .join(Module.course)
        .where(vector["modules"].op("@@")(query), Module.archived_at.is_(None),
               Course.archived_at.is_(None))
    )
    ranked_ = union_all(courses, modules).subquery()
    found = (
        select(ranked_.c.course_id, ranked_.c.module_id, ranked_.c.score)
        .order_by(ranked_.c.score.desc(), ranked_.c.course_id.nulls_last(),
                  ranked_.c.module_id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("found")
    )
    return _shown(found, found.c.module_id, found.c.course_id,
                  (found.c.course_id.nulls_last(), found.c.module_id),
                  lambda text_: func.convert_to(text_, literal_column("'UTF8'"),
                                               type_=LargeBinary))


# Built once: only the query text, the limit and the offset change from one search to the next.
_STATEMENTS = {"sqlite": _sqlite_statement(), "postgresql": _postgresql_statement()}


def ranked(session: Session, phrases: list[list[str]], limit: int,
           offset: int = 0) -> list[Ranked]:
    """The best live courses and lessons containing every phrase, best first, from the
    ``offset``-th on.

    :param phrases: one list of words per query term; the words of a term must follow
        each other ("dichvucong.gov.vn" is the phrase dichvucong gov vn).
    """
    dialect = session.get_bind().dialect.name
    query = tsquery(phrases) if dialect == "postgresql" else fts5_query(phrases)
    # On the session's connection: the statement returns rows, not entities, and the ORM
    # layer of Session.execute would add its own cost for nothing.
    rows = session.connection().execute(_STATEMENTS[dialect],
                                        {"query": query, "limit": limit, "offset": offset})
    return [Ranked._make(row) for row in rows]


def optimize(session: Session) -> None:
    """Merge SQLite's index into one piece, without what deleted rows left behind.

    A sync writes each course before its lessons, and FTS5 starts a new segment of the index
    whenever a rowid is lower than the one written before it: each course's (negative) after
    the previous course's lessons. Every query reads every segment, and a fresh sync of the
    shipped library left 13. PostgreSQL's GIN index has no such pieces; nor has a database
    migrated to a revision before the index.
    """
    if session.get_bind().dialect.name != "sqlite" or not session.scalar(
            text("SELECT 1 FROM sqlite_master WHERE name = :name"), {"name": INDEX_TABLE}):
        return
    session.execute(text("INSERT INTO search_index (search_index) VALUES ('optimize')"))


def _quoted(words: list[str], quote: str) -> str:
    """Words as one quoted string of the query language; a quote inside is doubled."""
    return quote + " ".join(words).replace(quote, quote * 2) + quote


def fts5_query(phrases: list[list[str]]) -> str:
    """An FTS5 query that ANDs the phrases, each quoted: nothing of the user's is syntax.

    With several phrases, the whole query as one phrase is ORed in front: it finds nothing
    more (it implies the others), but bm25() scores every phrase of a query, so rows with
    the words side by side ("thuc hanh") rank above rows with them apart. PostgreSQL's
    ts_rank_cd weighs the distance between the words by itself.
    """
    every = " AND ".join(_quoted(words, '"') for words in phrases)
    if len(phrases) == 1:
        return every
    whole = _quoted([word for words in phrases for word in words], '"')
    return f"{whole} OR ({every})"


def tsquery(phrases: list[list[str]]) -> str:
    """The same for ``to_tsquery``: each word quoted, followed by (<->) its phrase's next."""
    return " & ".join(" <-> ".join(_quoted([word], "'") for word in words) for words in phrases)
