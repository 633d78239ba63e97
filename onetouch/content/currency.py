"""The currency lint: words that were true once and must not be stated as present facts.

The list is ``outdated-terms.yml`` at the top of the library, owned by the content authors;
the provinces that no longer exist are derived from the geo data, not typed in. A hit is a
warning, not an error: the same words are right in a sentence told as history, which the
author marks on its line (``<!-- history -->`` in Markdown, ``# history`` in YAML).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from onetouch.content.problems import Fields, Report, read_fields
from onetouch.content.yamlfile import Mapping, Sequence
from onetouch.geo.services import legacy_rows, province_rows

TERMS_FILE = "outdated-terms.yml"
MARKDOWN_MARKER = "<!-- history -->"
YAML_MARKER = "# history"
TERM_FIELDS = {"phrase", "pattern", "unless_followed_by", "not_within", "hint"}
PROVINCE_FIELDS = {"unless_followed_by", "not_within", "hint"}

_MARKDOWN_MARK = re.compile(r"<!--\s*history\s*-->", re.IGNORECASE)
_YAML_MARK = re.compile(r"(?:^|\s)#\s*history\s*$", re.IGNORECASE)
_YAML_COMMENT = re.compile(r"^\s*#")
# Inside a YAML block (>-, |) "# history" is text, not a comment; folding moves it mid-line.
_YAML_MARK_AS_TEXT = re.compile(r"[ \t]*#[ \t]*history\b", re.IGNORECASE)
_SEPARATOR = re.compile(r"(\s*[-–—]\s*|\s+)")


def _tone_moves() -> dict[str, str]:
    """Old-style tone placement ("hoà", "uỷ") to the new one ("hòa", "ủy"), in every case.

    Both spellings are common and NFC keeps them apart; each pair stays two characters, so
    offsets in the canonical text are offsets in the file.
    """
    moves = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in "\u0300\u0301\u0309\u0303\u0323":
            for a, b in ((first, second), (first.upper(), second), (first.upper(), second.upper())):
                old = a + unicodedata.normalize("NFC", b + tone)
                moves[old] = unicodedata.normalize("NFC", a + tone) + b
    return moves


_MOVES = _tone_moves()
_OLD_TONE = re.compile("|".join(_MOVES))


def canonical(text: str) -> str:
    return _OLD_TONE.sub(lambda m: _MOVES[m.group()], unicodedata.normalize("NFC", text))


def without_marker(text: str) -> str:
    """Quiz text without the history marker, wherever YAML left it in the text."""
    return _YAML_MARK_AS_TEXT.sub("", text)


def phrase_pattern(phrase: str) -> str:
    """A phrase as a regular expression: any run of spaces, any dash, whole words only."""
    parts = _SEPARATOR.split(canonical(phrase).strip())
    body = "".join(
        (r"\s*[-–—]\s*" if part.strip() else r"\s+") if index % 2 else re.escape(part)
        for index, part in enumerate(parts)
    )
    start = r"(?<!\w)" if re.match(r"\w", parts[0]) else ""
    end = r"(?!\w)" if re.search(r"\w$", parts[-1]) else ""
    return start + body + end


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern
    hint: str
    unless: re.Pattern | None = None  # what may follow a hit to make it right ("(nay là")
    within: tuple[re.Pattern, ...] = ()  # longer phrases a hit inside is not the term

    def excused(self, text: str, match: re.Match) -> bool:
        if self.unless is not None and self.unless.match(text, match.end()):
            return True
        start, end = match.span()
        return any(outer.start() <= start and end <= outer.end()
                   for within in self.within
                   for outer in within.finditer(text, max(0, start - 100), end + 100))


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _phrases(fields: Fields, key: str) -> list[str]:
    value = fields.get(key, [])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value):
        fields.problem(key, f"'{key}' must be a phrase or a list of phrases")
        return []
    return value


def _options(fields: Fields) -> tuple[re.Pattern | None, tuple[re.Pattern, ...]]:
    unless = _phrases(fields, "unless_followed_by")
    followed = (_compile(r"\s*(?:" + "|".join(phrase_pattern(p) for p in unless) + ")")
                if unless else None)
    return followed, tuple(_compile(phrase_pattern(p)) for p in _phrases(fields, "not_within"))


def _term(fields: Fields) -> Term | None:
    fields.only(TERM_FIELDS)
    phrase, pattern = fields.text("phrase", None), fields.text("pattern", None)
    hint = fields.text("hint")
    if (phrase is None) == (pattern is None):
        fields.problem("phrase", "a term needs either 'phrase' or 'pattern'")
        return None
    try:
        compiled = _compile(phrase_pattern(phrase) if phrase else canonical(pattern))
    except re.error as error:
        fields.problem("pattern", f"'pattern' is not a regular expression: {error}")
        return None
    unless, within = _options(fields)
    return Term(compiled, hint, unless, within) if hint else None


def _province_terms(fields: Fields) -> list[Term]:
    """A term for each province of the pre-2025 map whose name the 2025 map does not have."""
    fields.only(PROVINCE_FIELDS)
    hint = fields.text("hint")
    unless, within = _options(fields)
    current = {row["code"]: row for row in province_rows()}
    names = {row["name"] for row in current.values()}
    terms = []
    for row in legacy_rows():
        if row["name"] not in names and hint:
            now = _in_a_sentence(current[row["province_code"]])
            text = hint.replace("{name}", row["name"]).replace("{now}", now)
            terms.append(Term(_compile(phrase_pattern(row["name"])), text, unless, within))
    return terms


def _in_a_sentence(province: dict) -> str:
    """"tỉnh Thái Nguyên", "thành phố Huế": a 2025 province as a sentence names it."""
    name = province["name"]
    return f"tỉnh {name}" if province["division_type"] == "tỉnh" else name[0].lower() + name[1:]


def load_terms(root: Path, report: Report) -> list[Term]:
    """The terms of ``root``/outdated-terms.yml; none when the library has no such file."""
    path = root / TERMS_FILE
    if not path.is_file():
        return []
    fields = read_fields(path, report, "terms: ...")
    if fields is None:
        return []
    fields.only({"terms", "legacy_provinces"})
    items = fields.get("terms", [])
    if not isinstance(items, Sequence) or not all(isinstance(i, Mapping) for i in items):
        fields.problem("terms", "'terms' must be a list of terms (phrase or pattern, and hint)")
        items = []
    terms = [term for item in items if (term := _term(Fields(report, path, item, "term")))]
    provinces = fields.get("legacy_provinces", None)
    if isinstance(provinces, Mapping):
        terms += _province_terms(Fields(report, path, provinces, "legacy_provinces"))
    elif provinces is not None:
        fields.problem("legacy_provinces", "'legacy_provinces' must hold a hint")
    return terms


def lint_file(path: Path, text: str, terms: list[Term], report: Report,
              skip: set[int] | frozenset = frozenset()) -> None:
    """Warn at each outdated term in a lesson or quiz file, unless its line is exempt.

    :param skip: lines exempt besides those marked as history (a lesson's source items,
        which name bodies as they were when the document was issued).
    """
    if not terms:
        return
    original = unicodedata.normalize("NFC", text)
    text = canonical(original)
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    exempt = set(skip) | _exempt_lines(path, lines)
    seen = set()
    for term in terms:
        for match in term.pattern.finditer(text):
            first = bisect.bisect_right(starts, match.start())
            last = bisect.bisect_right(starts, max(match.start(), match.end() - 1))
            if term.excused(text, match) or exempt.intersection(range(first, last + 1)):
                continue
            if (first, id(term)) not in seen:
                seen.add((first, id(term)))
                found = original[match.start():match.end()]
                report.warn(path, first, _message(path, found, term.hint))


def _exempt_lines(path: Path, lines: list[str]) -> set[int]:
    if path.suffix == ".md":
        return {n for n, line in enumerate(lines, 1) if _MARKDOWN_MARK.search(line)}
    return {n for n, line in enumerate(lines, 1)
            if _YAML_MARK.search(line) or _YAML_COMMENT.match(line)}


def _message(path: Path, found: str, hint: str) -> str:
    marker = MARKDOWN_MARKER if path.suffix == ".md" else YAML_MARKER
    found = " ".join(found.split())
    return f"'{found}' is outdated: {hint} (or end a line told as history with {marker})"
