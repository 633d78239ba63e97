"""Markdown to stored HTML, once, at sync time: rendered, links checked, sanitised."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import escape

from onetouch.content.sanitize import clean_inline, clean_lesson
from onetouch.text import slugify

EXTENSIONS = ["tables", "fenced_code", "admonition", "footnotes", "toc", "sane_lists"]
EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    "toc": {"slugify": slugify, "toc_depth": "2-3"},
    "footnotes": {"BACKLINK_TITLE": "Quay lại đoạn văn có chú thích %d"},
}


@dataclass
class Rendered:
    html: str
    toc_html: str
    plain_text: str
    word_count: int


class LinkResolver:
    """Rewrites one module's relative links and images; reports what it cannot resolve.

    Subclasses decide what a relative target means (another module, an asset).
    """

    def image(self, src: str, alt: str) -> str | None:
        raise NotImplementedError

    def link(self, href: str) -> str | None:
        raise NotImplementedError


class _RewriteLinks(Treeprocessor):
    def __init__(self, md, resolver: LinkResolver) -> None:
        super().__init__(md)
        self.resolver = resolver

    def run(self, root) -> None:
        for element in root.iter():
            if element.tag == "img":
                new = self.resolver.image(element.get("src", ""), element.get("alt", ""))
                if new is not None:
                    element.set("src", new)
            elif element.tag == "a" and _is_relative(element.get("href", "")):
                new = self.resolver.link(element.get("href", ""))
                if new is not None:
                    element.set("href", new)


def _is_relative(href: str) -> bool:
    parts = urlsplit(href)
    return bool(href) and not href.startswith("#") and not parts.scheme and not parts.netloc


def split_target(href: str) -> tuple[str, str]:
    """("images/a b.svg", "anchor") from "images/a%20b.svg#anchor"."""
    path, _, fragment = href.partition("#")
    return unquote(path), fragment


def render_lesson(source: str, resolver: LinkResolver) -> Rendered:
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    md.treeprocessors.register(_RewriteLinks(md, resolver), "onetouch-links", 15)
    body = clean_lesson(md.convert(source))
    text = plain_text(body)
    return Rendered(body, toc_html(md.toc_tokens), text, len(text.split()))


def render_inline(source: str) -> str:
    """Inline Markdown for quiz prompts, options and explanations; one paragraph unwrapped."""
    rendered = clean_inline(markdown.markdown(str(source))).strip()
    if rendered.count("<p>") == 1 and rendered.startswith("<p>") and rendered.endswith("</p>"):
        rendered = rendered[3:-4]
    return rendered


def toc_html(tokens: list[dict]) -> str:
    """A table of contents built from the heading tokens, escaped by construction."""
    if not tokens:
        return ""
    items = []
    for token in tokens:
        name = escape(html.unescape(re.sub(r"<[^>]+>", "", token["name"])))
        children = toc_html(token.get("children", []))
        items.append(f'<li><a href="#{escape(token["id"])}">{name}</a>{children}</li>')
    return f"<ol>{''.join(items)}</ol>"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


