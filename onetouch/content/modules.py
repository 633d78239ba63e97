"""A module file, NN-slug.md: front matter, Markdown body, links to modules and assets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from onetouch.content.assets import AssetError, Assets
from onetouch.content.problems import Fields, Report
from onetouch.content.render import LinkResolver, Rendered, render_lesson, split_target
from onetouch.content.yamlfile import Mapping, YamlError, parse, read_text

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MODULE_FILE = re.compile(rf"^(\d{{2}})-({SLUG})\.md$")
QUIZ_FILE = re.compile(rf"^(\d{{2}})-({SLUG})\.quiz\.yml$")
# A module of another course, linked from a lesson: ../<course-slug>/NN-slug.md
OTHER_COURSE = re.compile(rf"^\.\./({SLUG})/(\d{{2}}-{SLUG}\.md)$")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
_H1 = re.compile(r"^#(?!#)\s*\S")


@dataclass
class ModuleText:
    """A module as read from disk, before rendering."""

    path: Path
    number: int
    slug: str
    title: str | None = None
    minutes: int | None = None
    body: str = ""
    body_line: int = 1
    text: str = ""  # the whole file, front matter included


def read_module(path: Path, report: Report) -> ModuleText | None:
    match = MODULE_FILE.match(path.name)
    module = ModuleText(path, int(match.group(1)), match.group(2))
    source = read_text(path)
    module.text = source
    front = _FRONT.match(source)
    if not front:
        report.add(path, 1, "missing front matter: start the file with '---', title and minutes")
        return None
    try:
        meta = parse(front.group(1), first_line=2)
    except YamlError as error:
        report.add(path, error.line, error.message)
        return None
    if not isinstance(meta, Mapping):
        report.add(path, 2, "front matter must be fields such as 'title: ...'")
        return None
    fields = Fields(report, path, meta)
    fields.only({"title", "minutes"})
    module.title = fields.text("title")
    module.minutes = fields.integer("minutes", low=1, high=600)
    module.body = source[front.end():]
    module.body_line = source[: front.end()].count("\n") + 1
    for offset, line in enumerate(module.body.splitlines()):
        if _H1.match(line):
            report.add(path, module.body_line + offset,
                       "use '##' for sections: the module title is the page's only '#' heading")
    return module


class CourseLinks(LinkResolver):
    """Resolves one module's relative links against its course folder and the library.

    :param library: the module files of every course in the library, by course slug
        ({"ky-nang-so-co-ban": {"01-lam-quen-dien-thoai.md": "lam-quen-dien-thoai"}}).
    """

    def __init__(self, module: ModuleText, module_files: dict[str, str], assets: Assets,
                 report: Report, library: dict[str, dict[str, str]] | None = None) -> None:
        self.module = module
        self.module_files = module_files
        self.assets = assets
        self.report = report
        self.library = library or {}

    def _problem(self, target: str, message: str) -> None:
        lines = self.module.body.splitlines()
        offset = next((i for i, line in enumerate(lines) if target in line), 0)
        self.report.add(self.module.path, self.module.body_line + offset, message)

    def image(self, src: str, alt: str) -> str | None:
        if not alt.strip():
            self._problem(src, f"image '{src}' has no alt text: write what it shows")
        if urlsplit_scheme(src):
            self._problem(src, f"image '{src}' must be a file in the course folder")
            return None
        try:
            return self.assets.get(split_target(src)[0], image=True).url()
        except AssetError as error:
            self._problem(src, f"broken image: {error}")
            return None

    def link(self, href: str) -> str | None:
        path, fragment = split_target(href)
        anchor = f"#{fragment}" if fragment else ""
        if path in self.module_files:
            return self.module_files[path] + anchor
        if other := OTHER_COURSE.match(path):
            return self._other_course(href, *other.groups(), anchor)
        if MODULE_FILE.match(Path(path).name):
            self._problem(href, f"broken link: no module '{path}' in this course")
            return None
        try:
            return self.assets.get(path, image=False).url() + anchor
        except AssetError as error:
            self._problem(href, f"broken link: {error}")
            return None

    def _other_course(self, href: str, course: str, name: str, anchor: str) -> str | None:
        # Lesson pages are /courses/<course>/<module>: "../" climbs to the course list.
        files = self.library.get(course)
        if files is None:
            self._problem(href, f"broken link: no course '{course}' in the library")
        elif name not in files:
            self._problem(href, f"broken link: no module '{name}' in course '{course}'")
        else:
            return f"../{course}/{files[name]}{anchor}"
        return None


def urlsplit_scheme(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def render_module(module: ModuleText, module_files: dict[str, str], assets: Assets,
                  report: Report, library: dict[str, dict[str, str]] | None = None) -> Rendered:
    return render_lesson(module.body,
                         CourseLinks(module, module_files, assets, report, library))
