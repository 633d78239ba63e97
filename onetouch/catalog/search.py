"""Search over course titles, summaries and lesson text, ignoring accents and case.

The stored ``search_text`` is the text folded character by character (same length as the
original), so a match found there is cut from the original text, accents intact, for the
snippet. Matching is a LIKE over a few hundred lessons: fine at the size of a course
library; a full-text index can replace it behind the same function if the library grows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, contains_eager, load_only

from onetouch.content.models import Course, Module
from onetouch.text import fold

MAX_TERMS = 8
SNIPPET_BEFORE, SNIPPET_AFTER = 60, 160
_WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")


@dataclass
class Hit:
    course: Course
    module: Module | None
    score: float
    snippet: Markup


def terms_of(query: str) -> list[str]:
    return _WORD.findall(fold(query))[:MAX_TERMS]


def search(session: Session, query: str, limit: int = 20) -> list[Hit]:
    terms = terms_of(query)
    if not terms:
        return []
    phrase = " ".join(terms)
    hits = [_course_hit(c, terms, phrase) for c in _courses(session, terms)]
    hits += [_module_hit(m, terms, phrase) for m in _modules(session, terms)]
    hits.sort(key=lambda h: (-h.score, h.course.title, h.module.position if h.module else 0))
    return hits[:limit]


def _courses(session: Session, terms: list[str]) -> list[Course]:
    match = and_(*(Course.search_text.contains(t, autoescape=True) for t in terms))
    return list(session.scalars(select(Course).where(Course.archived_at.is_(None), match)))


def _modules(session: Session, terms: list[str]) -> list[Module]:
    match = and_(*(Module.search_text.contains(t, autoescape=True) for t in terms))
    return list(session.scalars(
        select(Module)
        .options(load_only(Module.id, Module.slug, Module.title, Module.position,
                           Module.course_id, Module.plain_text, Module.search_text),
                 contains_eager(Module.course))
        .join(Module.course)
        .where(Course.archived_at.is_(None), Module.archived_at.is_(None), match)
    ))


def _score(title: str, body: str, terms: list[str], phrase: str) -> float:
    folded_title = fold(title)
    score = sum(3 * folded_title.count(t) + min(body.count(t), 10) for t in terms)
    if phrase in folded_title:
        score += 10
    elif phrase in body:
        score += 5
    return score


def _course_hit(course: Course, terms: list[str], phrase: str) -> Hit:
    score = _score(course.title, course.search_text, terms, phrase) + 5  # a whole course first
    return Hit(course, None, score, snippet(course.summary, terms, phrase))


def _module_hit(module: Module, terms: list[str], phrase: str) -> Hit:
    score = _score(module.title, module.search_text, terms, phrase)
    return Hit(module.course, module, score, snippet(module.plain_text, terms, phrase))


def snippet(text: str, terms: list[str], phrase: str) -> Markup:
    """A window of the original text around the best match, matches in <mark>."""
    folded = fold(text)
    position = folded.find(phrase)
    if position < 0:
        position = min((p for p in (folded.find(t) for t in terms) if p >= 0), default=0)
    start = max(0, position - SNIPPET_BEFORE)
    end = min(len(text), position + SNIPPET_AFTER)
    # Never cut a word in half.
    if start > 0 and (space := text.find(" ", start, position)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", position, end)) > position:
        end = space
    window, window_folded = text[start:end], folded[start:end]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    pieces, last = [], 0
    for found in pattern.finditer(window_folded):
        pieces += [escape(window[last:found.start()]),
                   Markup("<mark>%s</mark>") % window[found.start():found.end()]]
        last = found.end()
    pieces.append(escape(window[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return escape(prefix) + Markup("").join(pieces) + escape(suffix)
