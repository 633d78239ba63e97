"""The allow-list applied to every piece of course HTML at sync time.

Anything not listed here is removed: scripts, styles, iframes, SVG, forms, event-handler
attributes, ``javascript:`` and ``data:`` URLs. Relative URLs (assets, other modules) stay.
"""

from __future__ import annotations

import nh3

BLOCK_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "div", "figure", "figcaption", "img",
}
INLINE_TAGS = {
    "a", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "abbr", "kbd", "span", "code", "br",
}
ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"}, "sup": {"id"}, "div": {"id"}, "abbr": {"title"},
    "ol": {"start"},
}
CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "danger", "important", "footnote"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_lesson = nh3.Cleaner(
    tags=BLOCK_TAGS | INLINE_TAGS,
    attributes=ATTRIBUTES,
    allowed_classes=CLASSES,
    url_schemes=URL_SCHEMES,
    # Images load as the reader scrolls: cheaper on slow connections.
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_inline = nh3.Cleaner(
    tags=INLINE_TAGS | {"p"},
    attributes={"a": {"href", "title"}, "abbr": {"title"}},
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_lesson(html: str) -> str:
    return _lesson.clean(html)


def clean_inline(html: str) -> str:
    return _inline.clean(html)
