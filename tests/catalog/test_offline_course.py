""""Tải khóa học": the whole course as one HTML file that loads nothing and reads offline.

The rule for addresses in the file (catalog/offline.py): every src is a data: URI; every href
points inside the file, except links the lessons' authors wrote to other sites and addresses of
this site (another course, the course page for its quizzes); nothing is loaded by the file.
"""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from tests.fixtures.courses import SAMPLE, copy_course, edit

URL = "/courses/mau-khoa-hoc/offline.html"
SITE = "http://localhost"
MODULES = {"gioi-thieu": "Giới thiệu Dịch vụ công trực tuyến", "thuc-hanh": "Thực hành nộp hồ sơ"}
OUTSIDE = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"


class Tags(HTMLParser):
    """Every start tag of a document, as (name, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def values(self, attribute: str) -> list[str]:
        return [attrs[attribute] for _, attrs in self.tags if attrs.get(attribute) is not None]

    def named(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def download(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("synced")
class TestTheFile:
    def test_it_is_an_attachment_that_may_load_nothing(self, client):
        response = client.get(URL)
        assert response.status_code == 200
        assert response.mimetype == "text/html"
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=onetouch-mau-khoa-hoc.html")
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        html = response.get_data(as_text=True)
        assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "img-src data:; style-src 'unsafe-inline'\">") in html

    def test_every_module_is_there_under_a_working_table_of_contents(self, client):
        html = download(client)
        tags = Tags(html)
        ids = tags.values("id")
        assert len(ids) == len(set(ids)), "two elements share an id"
        articles = [attrs["id"] for attrs in tags.named("article")]
        assert articles == list(MODULES)
        for slug, title in MODULES.items():
            assert f"<h2>{title}</h2>" in html
            assert f'<a href="#{slug}">{title}</a>' in html
        # Both levels of contents: the lessons, and the sections of each lesson.
        assert '<a href="#gioi-thieu_loi-ich">Lợi ích</a>' in html
        assert '<a href="#thuc-hanh_cac-buoc">Các bước</a>' in html
        for href in tags.values("href"):
            if href.startswith("#"):
                assert href[1:] in ids, f"{href} leads nowhere in the file"

    def test_lesson_text_comes_whole_with_headings_one_level_down(self, client):
        html = download(client)
        assert "Dịch vụ công trực tuyến giúp bạn nộp hồ sơ" in html
        assert "Không bao giờ đọc mã OTP cho người khác." in html
        assert '<h3 id="gioi-thieu_loi-ich">Lợi ích</h3>' in html
        assert '<h4 id="gioi-thieu_chuan-bi">Chuẩn bị</h4>' in html
        assert html.count("<h1>") == 1

    def test_links_between_lessons_and_footnotes_stay_inside_the_file(self, client):
        html = download(client)
        assert re.search(r'<a href="#thuc-hanh_cac-buoc"[^>]*>phần thực hành</a>', html)
        assert re.search(r'<a href="#gioi-thieu"[^>]*>bài 1</a>', html)
        assert 'href="#gioi-thieu_fn:1"' in html
        assert 'id="gioi-thieu_fn:1"' in html

    def test_images_are_inlined(self, client):
        tags = Tags(download(client))
        images = tags.named("img")
        assert len(images) == 1
        image = images[0]
        assert image["alt"] == "Sơ đồ các bước nộp hồ sơ trực tuyến"
        prefix = "data:image/svg+xml;base64,"
        assert image["src"].startswith(prefix)
        drawn = base64.b64decode(image["src"][len(prefix):])
        assert drawn == (SAMPLE / "mau-khoa-hoc" / "images" / "so-do.svg").read_bytes()
        assert "loading" not in image

    def test_no_script_and_nothing_to_load(self, client):
        html = download(client)
        tags = Tags(html)
        names = {name for name, _ in tags.tags}
        assert not names & {"script", "link", "iframe", "object", "embed", "base", "form"}
        assert all(src.startswith("data:") for src in tags.values("src"))
        assert not re.search(r"\son[a-z]+=", html)
        for url in re.findall(r"url\(([^)]*)\)", html):
            assert url.strip("'\"").startswith("data:")
        assert "@import" not in html

    def test_quizzes_and_the_certificate_are_pointed_to_online(self, client):
        html = download(client)
        assert f'<a href="{SITE}/courses/mau-khoa-hoc">{SITE}/courses/mau-khoa-hoc</a>' in html
        assert "cần có kết nối mạng" in html

    def test_the_course_page_offers_it(self, client):
        html = client.get("/courses/mau-khoa-hoc").get_data(as_text=True)
        assert f'<a href="{URL}" download>Tải khóa học</a>' in html

    def test_an_unknown_course_is_404(self, client):
        assert client.get("/courses/khong-co/offline.html").status_code == 404


def test_only_the_lessons_own_outside_links_leave_the_file(client, library, synced_library):
    copy_course(library, "khoa-khac", "Một khóa học khác")
    lesson = library / "mau-khoa-hoc" / "02-thuc-hanh.md"
    edit(lesson, "Quay lại [bài 1](01-gioi-thieu.md).",
         f"Quay lại [bài 1](01-gioi-thieu.md), xem [Cổng Dịch vụ công]({OUTSIDE}) và "
         "[khóa học khác](../khoa-khac/01-gioi-thieu.md#loi-ich).")
    synced_library()
    tags = Tags(download(client))
    leaving = [href for href in tags.values("href") if not href.startswith("#")]
    assert sorted(leaving) == sorted([
        OUTSIDE,  # written by the lesson's author
        f"{SITE}/courses/khoa-khac/gioi-thieu#loi-ich",  # another course, on this site
        f"{SITE}/courses/mau-khoa-hoc",  # the course page, for quizzes and the certificate
    ])
    assert not any(href.startswith("//") for href in tags.values("href"))


def test_a_document_beside_the_lessons_is_inlined_to_download(client, library,
                                                              synced_library):
    document = b"%PDF-1.4\n% a small test document\n%%EOF\n"
    (library / "mau-khoa-hoc" / "files").mkdir()
    (library / "mau-khoa-hoc" / "files" / "huong-dan.pdf").write_bytes(document)
    edit(library / "mau-khoa-hoc" / "02-thuc-hanh.md", "Quay lại [bài 1](01-gioi-thieu.md).",
         "Quay lại [bài 1](01-gioi-thieu.md). Tải [hướng dẫn](files/huong-dan.pdf).")
    synced_library()
    links = [attrs for attrs in Tags(download(client)).named("a")
             if attrs.get("download")]
    assert len(links) == 1
    assert links[0]["download"] == "huong-dan.pdf"
    assert base64.b64decode(links[0]["href"].split(",", 1)[1]) == document


def test_it_is_built_from_stored_html_and_kept_until_the_library_changes(
        client, library, synced_library, monkeypatch):
    import markdown

    def forbidden(*args, **kwargs):
        raise AssertionError("Markdown rendered at request time")

    synced_library()
    with monkeypatch.context() as patched:
        patched.setattr(markdown.Markdown, "convert", forbidden)
        first = client.get(URL)
    assert first.status_code == 200
    again = client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    lesson = library / "mau-khoa-hoc" / "01-gioi-thieu.md"
    edit(lesson, "Lợi ích", "Lợi ích to lớn")
    assert "Lợi ích to lớn" not in download(client)  # the file on disk is not read
    synced_library()
    changed = client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert "Lợi ích to lớn" in changed.get_data(as_text=True)
