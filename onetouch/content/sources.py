"""The sources section that ends every module: real documents a reader can look up.

A source item names a document by its number (57-NQ/TW, 91/2025/QH15) or by its title in
quotation marks, and gives a date. "Tư liệu tổng hợp" (compiled material) names nothing a
reader could find, so it is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from onetouch.content.problems import Report
from onetouch.text import slugify

SOURCES_HEADING = "Nguồn tham khảo"
SOURCES_ID = slugify(SOURCES_HEADING)
EXAMPLES = ("a document number (57-NQ/TW, 91/2025/QH15) or a title in quotes “…”, "
            "and a date (22/12/2024, tháng 3/2025, năm 2025)")

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,3}[.)])\s+\S")
_FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:")
# The issuing body's letters follow a slash: 57-NQ/TW, 91/2025/QH15, 2345/QĐ-NHNN, 749/QĐ-TTg.
_NUMBER = re.compile(r"(?<![\w/])\d+(?:-[A-ZĐ]{1,8})?/(?:(?:19|20)\d\d/)?"
                     r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ][A-Za-zĐđ0-9&]*)*")
_TITLE = re.compile(r"“[^”\n]{3,}”|\"[^\"\n]{3,}\"")
# d/m/yyyy, m/yyyy (so "tháng 3/2025" too), "năm 2025"; never a piece of 91/2025/QH15.
_DATE = re.compile(r"(?<![\d/])(?:(?:0?[1-9]|[12]\d|3[01])/)?(?:0?[1-9]|1[0-2])/(?:19|20)\d\d"
                   r"(?![\d/])|\bnăm\s+(?:19|20)\d\d\b", re.IGNORECASE)
_COMPILED = re.compile(r"tư\s+liệu\s+tổng\s+hợp", re.IGNORECASE)


@dataclass
class SourceItem:
    first: int  # the item's lines in the file, 1-based
    last: int
    text: str

    def missing(self) -> str:
        """What the item lacks, or "" when it names a document and a date."""
        wanted = []
        if not (_NUMBER.search(self.text) or _TITLE.search(self.text)):
            wanted.append("a document number or title in quotes")
        if not _DATE.search(self.text):
            wanted.append("a date")
        return ", and ".join(wanted)


@dataclass
class SourcesSection:
    heading: int  # line of the heading
    end: int  # last line of the section
    items: list[SourceItem] = field(default_factory=list)

    def item_lines(self) -> set[int]:
        return {n for item in self.items for n in range(item.first, item.last + 1)}


def find_sources(lines: list[str], first: int = 1) -> SourcesSection | None:
    """The '## Nguồn tham khảo' section of a module's lines (``first``: the body's first line)."""
    section, fenced = None, False
    for number in range(first, len(lines) + 1):
        line = lines[number - 1]
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if section is None and heading and heading.group(1) == "##" \
                and slugify(heading.group(2)) == SOURCES_ID:
            section = SourcesSection(number, len(lines))
        elif section is not None and heading and len(heading.group(1)) <= 2:
            section.end = number - 1
            break
    if section is not None:
        section.items = _items(lines, section)
    return section


def _items(lines: list[str], section: SourcesSection) -> list[SourceItem]:
    """List items, each with its continuation lines, up to a blank line or a footnote."""
    items: list[SourceItem] = []
    current = None
    for number in range(section.heading + 1, section.end + 1):
        line = lines[number - 1]
        if _ITEM.match(line):
            current = SourceItem(number, number, line.strip())
            items.append(current)
        elif current is not None and line.strip() and not _FOOTNOTE.match(line):
            current.last, current.text = number, f"{current.text} {line.strip()}"
        else:
            current = None
    return items


def check_sources(path: Path, lines: list[str], first: int,
                  report: Report) -> SourcesSection | None:
    """Errors for a missing or empty section and for compiled material; warnings for items
    that lack a number, title or date."""
    section = find_sources(lines, first)
    if section is None:
        report.add(path, 1, f"no '## {SOURCES_HEADING}' section: end the module with its sources")
        return None
    for number in range(section.heading + 1, section.end + 1):
        if _COMPILED.search(lines[number - 1]):
            report.add(path, number, "'tư liệu tổng hợp' alone is not a source: name the "
                                     "document or article, its number or title, and its date")
    if not any(not item.missing() for item in section.items):
        report.add(path, section.heading, f"'## {SOURCES_HEADING}' lists no source with "
                                          f"{EXAMPLES}")
    for item in section.items:
        if missing := item.missing():
            report.warn(path, item.first, f"source item lacks {missing}")
    return section
