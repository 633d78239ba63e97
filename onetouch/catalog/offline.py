"""A whole course as one HTML file, to keep on a phone and read without a connection.

It is put together from the lesson HTML that ``flask courses sync`` rendered and sanitised,
never from Markdown. Its addresses follow one rule, which tests/catalog/test_offline.py checks:

- The file loads nothing. Its styles are a <style> element, every image is a ``data:`` URI, it
  has no script, and a Content-Security-Policy in the file itself forbids any fetch.
- Links between the course's lessons, and both tables of contents, point inside the file:
  lesson ``slug`` is the element ``id="slug"``, its heading ``x`` is ``slug_x`` (slugs never
  hold "_", so no two lessons' ids meet), and the course's table of contents is ``_muc-luc``.
- A document beside the lessons (a PDF) is inlined as a ``data:`` URI to download.
- Links the lessons' authors wrote to other sites stay as written, and a link to another
  OneTouch course, or to anything else on the site, becomes this site's absolute address.
  Those load nothing: they are followed only when the reader taps them, with a connection.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from flask import render_template
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from onetouch.catalog import services
from onetouch.content.models import Course, CourseAsset, Module
from onetouch.core.clock import local_date

TOC_ID = "_muc-luc"
# Sanitised HTML as nh3 writes it: every attribute value in double quotes, so a tag ends at
# the first ">" outside quotes, and text holds no "<".
TAG = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*(/?)>')
ATTRIBUTE = re.compile(r'\s+([^\s"\'>/=]+)(?:="([^"]*)")?')
CLOSING_HEADING = re.compile(r"</h([2-6])>")


@dataclass(frozen=True)
class Part:
    """One lesson as it goes into the file."""

    slug: str
    title: str
    minutes: int
    html: Markup
    toc_html: Markup


class Rewriter:
    """Rewrites one lesson's ids, links and images for the file, and moves its headings one
    level down (the course's title is the file's only h1, each lesson's title an h2)."""

    def __init__(self, module_slug: str, slugs: set[str], assets: dict[str, CourseAsset],
                 lesson_url: str) -> None:
        self.module_slug = module_slug
        self.slugs = slugs
        self.assets = assets
        self.lesson_url = lesson_url

    def __call__(self, fragment: str) -> Markup:
        demoted = CLOSING_HEADING.sub(lambda m: f"</h{min(int(m.group(1)) + 1, 6)}>", fragment)
        return Markup(TAG.sub(self._tag, demoted))  # noqa: S704  (sanitised at sync time)

    def _tag(self, match: re.Match) -> str:
        name = match.group(1).lower()
        if re.fullmatch(r"h[2-6]", name):
            name = f"h{min(int(name[1]) + 1, 6)}"
        attributes = [(key.lower(), html.unescape(value or "")) for key, value
                      in ATTRIBUTE.findall(match.group(2))]
        out = []
        for key, value in attributes:
            out += self._attribute(key, value)
        written = "".join(f' {key}="{escape(value)}"' for key, value in out)
        return f"<{name}{written}{match.group(3) and ' /'}>"

    def _attribute(self, key: str, value: str) -> list[tuple[str, str]]:
        if key == "id":
            return [(key, self.anchor(value))]
        if key == "src":
            return [(key, self.data_uri(value) or "")]
        if key == "href":
            return self.href(value)
        if key == "loading":
            return []  # every image is in the file: nothing to load lazily
        return [(key, value)]

    def anchor(self, fragment: str) -> str:
        return f"{self.module_slug}_{fragment}"

    def href(self, value: str) -> list[tuple[str, str]]:
        if urlsplit(value).scheme:
            return [("href", value)]  # the author's link to another site, or mailto:, tel:
        if value.startswith("#"):
            return [("href", f"#{self.anchor(value[1:])}")]
        path, _, fragment = value.partition("#")
        if path in self.slugs:
            other = Rewriter(path, self.slugs, self.assets, self.lesson_url)
            return [("href", f"#{other.anchor(fragment)}" if fragment else f"#{path}")]
        asset = self.asset(path)
        if asset is not None:
            return [("href", self.data_uri(path)), ("download", asset.path.rsplit("/", 1)[-1])]
        return [("href", urljoin(self.lesson_url, value))]  # elsewhere here, or a //host link

    def asset(self, url: str) -> CourseAsset | None:
        path = urlsplit(url).path
        return self.assets.get(path.removeprefix("assets/")) if path.startswith("assets/") else None

    def data_uri(self, url: str) -> str | None:
        asset = self.asset(url)
        if asset is None:
            return None
        return f"data:{asset.content_type};base64,{base64.b64encode(asset.data).decode('ascii')}"


def course_file(session: Session, slug: str, course_url: str, stylesheet: str) -> str | None:
    """The whole course as one HTML document, or None for an unknown course.

    :param course_url: the course page's absolute address (its lessons' base, and where the
        quizzes and the certificate are).
    :param stylesheet: the site's CSS, put in the file as it is.
    """
    course = services.course_by_slug(session, slug)
    if course is None:
        return None
    modules = services.syllabus(session, course)
    slugs = {module.slug for module in modules}
    assets = _assets(session, course)
    stored = {row.id: row for row in session.execute(
        select(Module.id, Module.html, Module.toc_html)
        .where(Module.id.in_([module.id for module in modules])))}
    base = course_url.rstrip("/") + "/"
    parts = []
    for module in modules:
        rewrite = Rewriter(module.slug, slugs, assets, base + module.slug)
        row = stored[module.id]
        parts.append(Part(module.slug, module.title, module.reading_minutes,
                          rewrite(row.html), rewrite(row.toc_html or "")))
    return render_template("catalog/offline.html", course=course, parts=parts,
                           course_url=course_url, updated=local_date(course.updated_at),
                           stylesheet=Markup(stylesheet), toc_id=TOC_ID)  # noqa: S704


def _assets(session: Session, course: Course) -> dict[str, CourseAsset]:
    rows = session.scalars(select(CourseAsset).options(undefer(CourseAsset.data))
                           .where(CourseAsset.course_id == course.id))
    return {asset.path: asset for asset in rows}
