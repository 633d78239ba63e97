"""Course and lesson pages: rendered once per URL and language, with each visitor's own parts
put in on every request.

Such a page is the same for everyone who reads it in one language, except for three blocks:
``user_menu`` and ``flashes`` of base.html (the account menu, with the log-out form's CSRF
token, and the flashed messages) and the page's ``learner`` block (the learner's panel, with
its forms). Everything else, the shell, is rendered once per URL, language and library version
and kept in the page cache beside the course's outline; a request renders only those blocks,
for its visitor, and puts them into the shell's gaps. Those blocks may read only ``outline``,
``module`` (the lesson's, None on a course page) and ``learner``, besides what every template
gets (the visitor, the request, ``csrf_token()``).

Nothing of one visitor may end up in a shell that others get: it is rendered as an anonymous
visitor with no messages at hand, and a render that put the visitor's CSRF token into it fails.

The learner's state comes from learning, which builds on the catalogue: ``create_app`` hands
its function in through ``init_app``, and the catalogue never imports learning.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, render_template, request
from markupsafe import Markup

from onetouch.catalog.cache import EXTENSION, PageCache, cache_key
from onetouch.catalog.outline import CourseOutline, ModuleOutline

LEARNER = "onetouch.learner_state"
SHELL_TEMPLATE = "catalog/_shell.html"
BASE_TEMPLATE = "base.html"  # where a personal block that the page does not define is


def init_app(app: Flask, learner: Callable[[CourseOutline], object | None]) -> None:
    """:param learner: the current visitor's state in a course, for the ``learner`` block."""
    app.extensions[LEARNER] = learner


@dataclass(frozen=True)
class Shell:
    template: str
    pieces: tuple[str, ...]  # the page's text before, between and after its gaps
    gaps: tuple[str, ...]  # the personal block that goes into each gap, in order
    outline: CourseOutline
    module: ModuleOutline | None


def render(template: str, build: Callable[[], dict]) -> str:
    """The page for this request's visitor.

    :param build: loads what the whole page shows, as the template's context, including
        ``outline`` and ``module``; it may abort with 404. Called only for a new shell.
    """
    shell = _shell(template, build)
    learner = current_app.extensions[LEARNER](shell.outline)
    parts = _personal(shell, learner)
    out = [shell.pieces[0]]
    for part, piece in zip(parts, shell.pieces[1:], strict=True):
        out += (part, piece)
    return "".join(out)


def _shell(template: str, build: Callable[[], dict]) -> Shell:
    if not current_app.config["PAGE_CACHE"]:
        return _render_shell(template, build())
    cache: PageCache = current_app.extensions[EXTENSION]
    cache.current_version()
    key = ("shell", *cache_key(request.full_path, request.cookies, current_app))
    return cache.get(key) or cache.keep(key, _render_shell(template, build()))


def _render_shell(template: str, context: dict) -> Shell:
    mark = secrets.token_hex(8)

    def gap(name: str) -> Markup:
        return Markup(f"<!--{mark}:{name}-->")  # noqa: S704  (a fixed comment, no input)

    html = render_template(SHELL_TEMPLATE, page=template, gap=gap,
                           current_user=current_app.login_manager.anonymous_user(),
                           get_flashed_messages=_no_messages, **context)
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if token and token in html:
        raise RuntimeError(f"{template} has a form outside its personal blocks: every reader "
                           "would get the CSRF token of the first")
    split = re.split(f"<!--{mark}:(\\w+)-->", html)
    return Shell(template, tuple(split[0::2]), tuple(split[1::2]), context["outline"],
                 context["module"])


def _no_messages(*args, **kwargs) -> list:
    return []


def _personal(shell: Shell, learner: object | None) -> list[str]:
    """The personal blocks, rendered for this request, in the order of the shell's gaps."""
    env = current_app.jinja_env
    page = env.get_template(shell.template)
    values = {"outline": shell.outline, "module": shell.module, "learner": learner}
    current_app.update_template_context(values)
    # One context for every block: they share the page's variables and read no other block.
    context = page.new_context(values)
    return ["".join((page if name in page.blocks else env.get_template(BASE_TEMPLATE))
                    .blocks[name](context)) for name in shell.gaps]
