"""Search over course titles, summaries and lesson text, ignoring accents and case.

A query is cut into terms (``terms_of``): folded words of letters and digits, a dot or
hyphen kept inside a term ("dichvucong.gov.vn"). Every term must match. Each term goes to
the engine's full-text index (``search_index.py``: FTS5 on SQLite, a ``tsvector`` with a
GIN index on PostgreSQL) as a quoted phrase of its words, so nothing a user types is ever
query syntax. The index finds and ranks (``bm25()`` or ``ts_rank_cd``: titles above bodies,
words side by side above words apart) and hands back at most ``limit`` ids; only those
courses and lessons are loaded.

The passage under each hit is cut here, not by FTS5's ``snippet()`` or ``ts_headline``:
the index holds folded text, and the reader must see the original, accents and all. The
stored ``search_text`` is the folded title and body, of the same length as the original
(``fold`` keeps it character for character), so a match found in the folded body is cut
from ``plain_text`` (or the summary) at the same offsets, escaped, with the matched words in
``<mark>``. That is a regular expression over at most ``limit`` texts folded at sync time;
the cost that grew with the library, matching and scoring every lesson in Python, is gone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, load_only

from onetouch.catalog.search_index import Ranked, ranked
from onetouch.content.models import Course, Module
from onetouch.text import fold

MAX_TERMS = 8
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 160
_TERM = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_WORD = re.compile(r"[a-z0-9]+")  # what both engines' indexes hold as one word
_GAP = "[^a-z0-9]+"
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass
class Hit:
    course: Course
    module: Module | None
    score: float
    snippet: Markup


def terms_of(query: str) -> list[str]:
    return _TERM.findall(fold(query))[:MAX_TERMS]


def search(session: Session, query: str, limit: int = 20) -> list[Hit]:
    terms = terms_of(query)
    if not terms:
        return []
    found = ranked(session, [_WORD.findall(term) for term in terms], limit)
    courses = _load(session, _COURSES, {hit.course_id for hit in found if hit.course_id})
    modules = _load(session, _MODULES, {hit.module_id for hit in found if hit.module_id})
    return [_hit(hit, courses, modules, terms) for hit in found]


# The hits' courses, and their lessons with the text of the passage and the course's title.
# Built once; the courses come first, so a course that is a hit itself is loaded in full.
_COURSES = select(Course).where(Course.id.in_(bindparam("ids", expanding=True)))
_MODULES = (
    select(Module)
    .join(Module.course)
    .options(load_only(Module.id, Module.slug, Module.title, Module.position, Module.course_id,
                       Module.plain_text, Module.search_text),
             contains_eager(Module.course).load_only(Course.id, Course.slug, Course.title))
    .where(Module.id.in_(bindparam("ids", expanding=True)))
)


def _load(session: Session, statement, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(statement, {"ids": list(ids)})}


def _hit(found: Ranked, courses: dict, modules: dict, terms: list[str]) -> Hit:
    if found.module_id is None:
        course = courses[found.course_id]
        passage = snippet(course.summary, terms, _folded_body(course.title, course.search_text))
        return Hit(course, None, found.score, passage)
    module = modules[found.module_id]
    passage = snippet(module.plain_text, terms, _folded_body(module.title, module.search_text))
    return Hit(module.course, module, found.score, passage)


def _folded_body(title: str, search_text: str) -> str:
    """``search_text`` is the folded title, one separator, then the folded body (see sync)."""
    return search_text[len(title) + 1:]


@lru_cache(maxsize=256)
def _patterns(terms: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """The whole query as a phrase, and any one term, as the index matches them: whole words.

    A pattern checks that its match ends a word; ``_whole`` checks that it starts one. A
    lookbehind at the front would do the same, but it keeps the regex engine from skipping
    to the first letter, which costs ten times as much over a long lesson.
    """

    def words(term: str) -> str:
        return _GAP.join(re.escape(word) for word in _WORD.findall(term))

    def ending_a_word(expression: str) -> re.Pattern:
        return re.compile(rf"(?:{expression})(?![a-z0-9])")

    longest_first = sorted((words(term) for term in terms), key=len, reverse=True)
    return (ending_a_word(_GAP.join(words(term) for term in terms)),
            ending_a_word("|".join(longest_first)))


def _whole(pattern: re.Pattern, folded: str, start: int = 0,
           end: int | None = None) -> Iterator[re.Match]:
    """The pattern's matches in ``folded[start:end]`` that start a word."""
    for match in pattern.finditer(folded, start, len(folded) if end is None else end):
        if match.start() == 0 or folded[match.start() - 1] not in _WORD_CHARS:
            yield match


def snippet(text: str, terms: list[str], folded: str | None = None) -> Markup:
    """A window of the original text around the best match, matches in <mark>.

    Every piece of the text is escaped; only the <mark> tags and the ellipses are added.

    :param folded: ``fold(text)`` when the caller has it (stored at sync time); folding a
        long lesson on every request is the slow part otherwise.
    """
    text = unicodedata.normalize("NFC", text)  # fold() works on NFC: keep offsets aligned
    if folded is None or len(folded) != len(text):
        folded = fold(text)
    phrase, term = _patterns(tuple(terms))
    found = next(_whole(phrase, folded), None) or next(_whole(term, folded), None)
    start, end = _window(text, found.start() if found else 0)
    pieces, last = ["… " if start > 0 else ""], start
    for match in _whole(term, folded, start, end):
        pieces += [escape(text[last:match.start()]), "<mark>",
                   escape(text[match.start():match.end()]), "</mark>"]
        last = match.end()
    pieces += [escape(text[last:end]), " …" if end < len(text) else ""]
    # Every piece of the text went through escape(); the rest are the literals above.
    return Markup("".join(pieces))  # noqa: S704


def _window(text: str, position: int) -> tuple[int, int]:
    """Where the passage around ``position`` starts and ends; never in the middle of a word."""
    start = max(0, position - SNIPPET_BEFORE)
    end = min(len(text), position + SNIPPET_AFTER)
    if start > 0 and (space := text.find(" ", start, position)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", position, end)) > position:
        end = space
    return start, end
