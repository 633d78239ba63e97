"""Search ignores Vietnamese accents and case, ranks results and shows the matching text."""

from __future__ import annotations

import re
import unicodedata

import pytest

from onetouch.catalog.search import (
    MAX_PAGE,
    _stored_passage,
    results_page,
    search,
    snippet,
    terms_of,
)
from onetouch.extensions import db
from onetouch.text import fold
from tests.fixtures.courses import copy_course


def test_fold_removes_accents_keeps_length():
    for text in ("Dịch vụ công", "LỪA ĐẢO", "Đăng ký tài khoản", "Nguyễn Thị Ánh"):
        assert len(fold(text)) == len(text)
    assert fold("Dịch vụ công") == "dich vu cong"
    assert fold("LỪA ĐẢO") == "lua dao"
    assert fold("Đăng ký") == "dang ky"


def test_fold_handles_decomposed_input():
    assert fold(unicodedata.normalize("NFD", "Dịch vụ công")) == "dich vu cong"


def test_terms_drop_punctuation():
    assert terms_of("  Dịch vụ công?! ") == ["dich", "vu", "cong"]
    assert terms_of("dichvucong.gov.vn") == ["dichvucong.gov.vn"]
    assert terms_of("%_*") == []


def test_snippet_keeps_accents_and_marks_matches():
    text = "Hãy cảnh giác với các chiêu LỪA ĐẢO qua điện thoại."
    result = snippet(text, ["lua", "dao"])
    assert "<mark>LỪA</mark> <mark>ĐẢO</mark>" in result


def test_snippet_marks_whole_words_and_escapes_the_rest():
    result = snippet("An toàn: 1 < 2 & <b>an</b> ninh", ["an"])
    assert result == ("<mark>An</mark> toàn: 1 &lt; 2 &amp; &lt;b&gt;<mark>an</mark>&lt;/b&gt; "
                      "ninh")


def test_snippet_of_decomposed_text_keeps_its_marks_in_place():
    result = snippet(unicodedata.normalize("NFD", "Cảnh giác lừa đảo"), ["lua", "dao"])
    assert result == "Cảnh giác <mark>lừa</mark> <mark>đảo</mark>"


def test_text_cannot_add_tags_through_the_stand_ins_for_mark():
    result = snippet("an \ue000toàn\ue001 & <b>", ["an"])
    assert result == "<mark>an</mark> \ufffdtoàn\ufffd &amp; &lt;b&gt;"


LONG = ("Mở đầu bài học về an toàn. " * 40 + "Cảnh giác với LỪA ĐẢO qua điện thoại & <tin nhắn>. "
        + "Kết thúc. " * 30)


@pytest.mark.parametrize(("text", "terms"), [
    (LONG, ["lua", "dao"]),  # deep in the text, after 1,000 characters
    (LONG, ["mo", "dau"]),  # at the start
    (LONG, ["ten", "lua"]),  # the phrase nowhere: the first of any term
    (LONG, ["vu", "tru"]),  # nothing: the start of the text
    ("Ngắn: lừa đảo.", ["lua", "dao"]),
    ("", ["lua"]),
    ("Chữ ký số 🔏 “an toàn” — ký ngay", ["ky", "so"]),  # four-byte and three-byte characters
    ("giữ \ue000mã\ue001 OTP", ["ma", "otp"]),
])
def test_a_stored_passage_is_the_snippet_of_its_text(text, terms):
    """Cut from the text's UTF-8 bytes, decoded only up to the passage's end."""
    assert _stored_passage(text.encode(), fold(text), terms) == snippet(text, terms)


def test_a_stored_text_not_in_nfc_is_normalised_before_it_is_cut():
    text = unicodedata.normalize("NFD", "Cảnh giác " * 30 + "lừa đảo qua mạng")
    passage = _stored_passage(text.encode(), fold(text), ["lua", "dao"])
    assert passage == snippet(text, ["lua", "dao"])
    assert "<mark>lừa</mark> <mark>đảo</mark> qua mạng" in passage


@pytest.mark.usefixtures("synced")
class TestSearch:
    @pytest.mark.parametrize("query", ["dich vu cong", "Dịch vụ công", "DICH VU CONG",
                                       "dịch vu CÔNG"])
    def test_matches_with_or_without_accents(self, app, query):
        with app.app_context():
            from onetouch.extensions import db

            hits = search(db.session, query)
        titles = [hit.module.title if hit.module else hit.course.title for hit in hits]
        assert "Giới thiệu Dịch vụ công trực tuyến" in titles
        assert "Khóa học mẫu về dịch vụ công" in titles

    def test_upper_case_without_accents_finds_accented_text(self, client):
        html = client.get("/search?q=LUA DAO").get_data(as_text=True)
        assert "Khóa học mẫu về dịch vụ công" in html
        assert "<mark>lừa</mark> <mark>đảo</mark>" in html

    def test_title_matches_rank_first(self, client):
        html = re.sub(r"</?mark>", "", client.get("/search?q=thuc hanh").get_data(as_text=True))
        assert html.index("Thực hành nộp hồ sơ") < html.index("Giới thiệu Dịch vụ công")

    def test_no_result_says_so(self, client):
        html = client.get("/search?q=tên lửa vũ trụ").get_data(as_text=True)
        assert "Không tìm thấy kết quả" in html

    def test_query_is_escaped(self, client):
        html = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html

    def test_like_wildcards_are_literal(self, client):
        html = client.get("/search?q=%25").get_data(as_text=True)
        assert "Không tìm thấy kết quả" in html
        assert 'class="results"' not in html


def shown(html: str) -> list[str]:
    return re.findall(r'<h2><a href="([^"]+)"', html)


def test_results_come_ten_a_page_with_links_between_pages(app, client, library, synced_library):
    for number in range(1, 5):  # five courses of a course and two lessons each
        copy_course(library, f"ban-sao-{number}", f"Bản sao {number} về dịch vụ công")
    synced_library()
    first = client.get("/search?q=dich+vu+cong").get_data(as_text=True)
    second = client.get("/search?q=dich+vu+cong&page=2").get_data(as_text=True)
    with app.app_context():
        ranking = [hit.course.slug + (f"/{hit.module.slug}" if hit.module else "")
                   for hit in search(db.session, "dich vu cong")]
    assert len(ranking) == 15
    assert [link.removeprefix("/courses/") for link in shown(first) + shown(second)] == ranking
    assert "Kết quả 1–10 cho “dich vu cong”" in first
    assert '<a rel="next" href="/search?q=dich+vu+cong&amp;page=2">' in first
    assert 'rel="prev"' not in first
    assert "Kết quả 11–15 cho “dich vu cong”" in second
    assert '<ol class="results" start="11">' in second
    assert '<a rel="prev" href="/search?q=dich+vu+cong">' in second
    assert 'rel="next"' not in second


@pytest.mark.usefixtures("synced")
@pytest.mark.parametrize(("asked", "page"), [(1, 1), (0, 1), (-3, 1), (2, 2), (10_000, MAX_PAGE)])
def test_a_page_outside_the_range_is_the_nearest_one(app, asked, page):
    with app.app_context():
        assert results_page(db.session, "dich vu cong", asked).page == page


@pytest.mark.usefixtures("synced")
def test_pages_follow_the_ranking_without_gaps(app):
    with app.app_context():
        ranking = search(db.session, "dich vu cong")
        pages = [results_page(db.session, "dich vu cong", page, per_page=1)
                 for page in range(1, len(ranking) + 2)]
    assert [hit for page in pages for hit in page.hits] == ranking
    assert [page.has_next for page in pages] == [True] * (len(ranking) - 1) + [False, False]
    assert [page.first for page in pages] == list(range(1, len(ranking) + 2))


@pytest.mark.usefixtures("synced")
@pytest.mark.parametrize("page", ["x", "", "1.5", "-1"])
def test_a_page_that_is_not_a_number_shows_the_first(client, page):
    html = client.get("/search", query_string={"q": "dich vu cong", "page": page}).get_data(
        as_text=True)
    assert "Kết quả 1–" in html


@pytest.mark.usefixtures("synced")
def test_a_search_asks_the_database_once(app, client, queries):
    """The ranking, and the titles and text of the page's hits, in one statement."""
    app.config["PAGE_CACHE"] = False  # what a logged-in learner gets: no page cache
    with queries() as seen:
        html = client.get("/search?q=dich+vu+cong").get_data(as_text=True)
    assert "Kết quả 1–3 cho" in html
    assert len(seen) == 1, seen


def results_of(html: str) -> list[str]:
    return re.findall(r"<li>\s*(.*?)</li>", html.split('<ol class="results"', 1)[1], re.S)


def test_a_lesson_found_by_its_title_shows_the_matched_words_there(client, synced_library):
    html = client.get("/search?q=thuc hanh").get_data(as_text=True)
    assert "<mark>Thực</mark> <mark>hành</mark> nộp hồ sơ</a></h2>" in html


@pytest.mark.parametrize("query", ["thuc hanh", "dich vu cong", "ho so", "gioi thieu",
                                   "khoa hoc mau", "lua dao", "truc tuyen"])
def test_every_result_shows_a_matched_word(client, synced_library, query):
    html = client.get(f"/search?q={query}").get_data(as_text=True)
    results = results_of(html)
    assert results
    for result in results:
        assert "<mark>" in result, result


def test_a_title_is_escaped_with_its_marks(app):
    from onetouch.catalog.search import marked_title

    assert str(marked_title("Lừa đảo <qua> mạng", ["lua", "dao"])) == (
        "<mark>Lừa</mark> <mark>đảo</mark> &lt;qua&gt; mạng")


def test_the_two_search_forms_are_distinct_labelled_landmarks(client):
    html = client.get("/search?q=ho+so").get_data(as_text=True)
    labels = re.findall(r'<form[^>]*role="search"[^>]*aria-label="([^"]+)"', html)
    assert len(labels) == 2
    assert len(set(labels)) == 2
    assert len(re.findall(r'role="search"', html)) == 2
