"""Search over course titles, summaries and lesson text, ignoring accents and case.

A query is cut into terms (``terms_of``): folded words of letters and digits, a dot or
hyphen kept inside a term ("dichvucong.gov.vn"). Every term must match. Each term goes to
the engine's full-text index (``content/search_index.py``: FTS5 on SQLite, a ``tsvector`` with a
GIN index on PostgreSQL) as a quoted phrase of its words, so nothing a user types is ever
query syntax. The index finds and ranks (``bm25()`` or ``ts_rank_cd``: titles above bodies,
words side by side above words apart) and the same statement hands back one page of hits
with what the page shows of them; results come ``PER_PAGE`` a page (``results_page``).

The passage under each hit is cut here, not by FTS5's ``snippet()`` or ``ts_headline``:
the index holds folded text, and the reader must see the original, accents and all. The
stored ``search_text`` is the folded title and body, of the same length as the original
(``fold`` keeps it character for character), so a match found in the folded body is cut
from ``plain_text`` (or the summary) at the same offsets, escaped, with the matched words in
``<mark>``. That is a regular expression over the texts of one page, folded at sync time;
the cost that grew with the library, matching and scoring every lesson in Python, is gone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from onetouch.content.search_index import Ranked, ranked
from onetouch.text import fold

MAX_TERMS = 8
# Ten results a page, as search engines show them: each result costs its passage, its link
# and its part of the page. The whole ranking is done for any page, so no page past the
# 20th (result 200) is offered.
PER_PAGE, MAX_PAGE = 10, 20
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 160
_TERM = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_WORD = re.compile(r"[a-z0-9]+")  # what both engines' indexes hold as one word
_GAP = "[^a-z0-9]+"
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Two private-use characters stand in for <mark> and </mark> while the passage is escaped;
# any the text holds itself are shown as U+FFFD.
_OPEN, _CLOSE = "\ue000", "\ue001"
_NOT_TAGS = {ord(_OPEN): "\ufffd", ord(_CLOSE): "\ufffd"}


class Entry(NamedTuple):
    """A course or a lesson as a result names it: its title, and its slug for the link."""

    slug: str
    title: str


@dataclass
class Hit:
    course: Entry
    module: Entry | None  # None: the course's own entry (title and summary)
    score: float
    snippet: Markup
    # The hit's own title (the lesson's, or the course's for its own entry), escaped, with the
    # matched words in <mark>: a hit found by its title alone shows what matched there.
    title: Markup


def terms_of(query: str) -> list[str]:
    return _TERM.findall(fold(query))[:MAX_TERMS]


def search(session: Session, query: str, limit: int = 20, offset: int = 0) -> list[Hit]:
    """The ``limit`` best hits after the ``offset`` best, best first."""
    terms = terms_of(query)
    return [_hit(found, terms) for found in _ranked(session, terms, limit, offset)]


@dataclass(frozen=True)
class ResultsPage:
    hits: list[Hit]
    page: int  # from 1
    first: int  # the number of the first hit in the whole ranking, from 1
    has_next: bool


def results_page(session: Session, query: str, page: int,
                 per_page: int = PER_PAGE) -> ResultsPage:
    """One page of the results: ``per_page`` hits, and whether a page follows.

    :param page: from 1; anything outside 1 to ``MAX_PAGE`` is read as the nearest of them.
    """
    page = min(max(page, 1), MAX_PAGE)
    first = (page - 1) * per_page
    terms = terms_of(query)
    found = _ranked(session, terms, per_page + 1, first)  # one more: is there a next page?
    return ResultsPage([_hit(row, terms) for row in found[:per_page]], page, first + 1,
                       len(found) > per_page and page < MAX_PAGE)


def _ranked(session: Session, terms: list[str], limit: int, offset: int) -> list[Ranked]:
    if not terms:
        return []
    return ranked(session, [_WORD.findall(term) for term in terms], limit, offset)


def _hit(found: Ranked, terms: list[str]) -> Hit:
    course = Entry(found.course_slug, found.course_title)
    module = Entry(found.module_slug, found.module_title) if found.module_slug else None
    # ``search_text`` is the folded title, one separator, then the folded body (see sync).
    title = (module or course).title
    folded = found.search_text[len(title) + 1:]
    return Hit(course, module, found.score, _stored_passage(found.text_utf8, folded, terms),
               marked_title(title, terms))


def marked_title(title: str, terms: list[str]) -> Markup:
    """The whole title, escaped, with the terms found in it in <mark> (a title is short:
    folding it here costs less than reading its fold back)."""
    title = unicodedata.normalize("NFC", title)
    return _marked(title, fold(title), terms, 0, len(title))


def _stored_passage(utf8: bytes, folded: str, terms: list[str]) -> Markup:
    """``snippet`` of a stored text and its stored fold, decoding only what the passage needs.

    A whole lesson is 4 to 8 KB of Vietnamese UTF-8, which decodes many times slower than
    ASCII, for a passage of a few hundred characters. The passage ends at the same offset,
    ``end``, in the fold and in the text, and ``end`` characters take at most ``4 * end``
    bytes. The offsets are the same if that part of the text is NFC, the form
    ``fold`` reads (sources are read as NFC); if it is not, the whole text is decoded,
    normalised and folded again, as ``snippet`` does.
    """
    start, end = _span(folded, terms)
    head = utf8[:4 * end].decode("utf-8", "ignore")[:end + 1]
    if len(head) < end or not unicodedata.is_normalized("NFC", head):
        return snippet(utf8.decode("utf-8"), terms)
    return _marked(head, folded, terms, start, end)


@lru_cache(maxsize=256)
def _patterns(terms: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """The whole query as a phrase, and any one term, as the index matches them: whole words.

    A pattern checks that its match ends a word; ``_starts_a_word`` checks that it starts
    one. A lookbehind at the front would do the same, but it keeps the regex engine from
    skipping to the first letter, which costs ten times as much over a long lesson.
    """

    def words(term: str) -> str:
        return _GAP.join(re.escape(word) for word in _WORD.findall(term))

    def ending_a_word(expression: str) -> re.Pattern:
        return re.compile(rf"(?:{expression})(?![a-z0-9])")

    longest_first = sorted((words(term) for term in terms), key=len, reverse=True)
    return (ending_a_word(_GAP.join(words(term) for term in terms)),
            ending_a_word("|".join(longest_first)))


def _starts_a_word(match: re.Match, folded: str) -> bool:
    return match.start() == 0 or folded[match.start() - 1] not in _WORD_CHARS


def _first(pattern: re.Pattern, folded: str) -> re.Match | None:
    """The pattern's first match in ``folded`` that starts a word."""
    return next((match for match in pattern.finditer(folded) if _starts_a_word(match, folded)),
                None)


def snippet(text: str, terms: list[str], folded: str | None = None) -> Markup:
    """A window of the original text around the best match, matches in <mark>.

    Every piece of the text is escaped; only the <mark> tags and the ellipses are added.

    :param folded: ``fold(text)`` when the caller has it; folding a long lesson on every
        request is the slow part otherwise.
    """
    text = unicodedata.normalize("NFC", text)  # fold() works on NFC: keep offsets aligned
    if folded is None or len(folded) != len(text):
        folded = fold(text)
    return _marked(text, folded, terms, *_span(folded, terms))


def _span(folded: str, terms: list[str]) -> tuple[int, int]:
    """Where the passage starts and ends: around the first match of the whole query as a
    phrase, else of any term, else at the start; never in the middle of a word."""
    phrase, term = _patterns(tuple(terms))
    found = _first(phrase, folded) or _first(term, folded)
    position = found.start() if found else 0
    start = max(0, position - SNIPPET_BEFORE)
    end = min(len(folded), position + SNIPPET_AFTER)
    if start > 0 and (space := folded.find(" ", start, position)) >= 0:
        start = space + 1
    if end < len(folded) and (space := folded.rfind(" ", position, end)) > position:
        end = space
    return start, end


def _marked(text: str, folded: str, terms: list[str], start: int, end: int) -> Markup:
    """``text[start:end]`` escaped, with the terms found there in ``folded`` in <mark>."""
    shown = text[start:end]
    if _OPEN in shown or _CLOSE in shown:
        shown = shown.translate(_NOT_TAGS)
    pieces, last = ["… " if start > 0 else ""], 0
    for match in _patterns(tuple(terms))[1].finditer(folded, start, end):
        if not _starts_a_word(match, folded):
            continue
        pieces += (shown[last:match.start() - start], _OPEN,
                   shown[match.start() - start:match.end() - start], _CLOSE)
        last = match.end() - start
    pieces += (shown[last:], " …" if end < len(folded) else "")
    # One escape() for the whole passage; then the stand-ins become the only tags in it.
    passage = str(escape("".join(pieces)))
    return Markup(passage.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))  # noqa: S704
