"""Search ignores Vietnamese accents and case, ranks results and shows the matching text."""

from __future__ import annotations

import pytest

from onetouch.catalog.search import search, snippet, terms_of
from onetouch.text import fold


def test_fold_removes_accents_keeps_length():
    for text in ("Dịch vụ công", "LỪA ĐẢO", "Đăng ký tài khoản", "Nguyễn Thị Ánh"):
        assert len(fold(text)) == len(text)
    assert fold("Dịch vụ công") == "dich vu cong"
    assert fold("LỪA ĐẢO") == "lua dao"
    assert fold("Đăng ký") == "dang ky"


def test_fold_handles_decomposed_input():
    import unicodedata

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
    import unicodedata

    result = snippet(unicodedata.normalize("NFD", "Cảnh giác lừa đảo"), ["lua", "dao"])
    assert result == "Cảnh giác <mark>lừa</mark> <mark>đảo</mark>"


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
        html = client.get("/search?q=thuc hanh").get_data(as_text=True)
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
        assert "kết quả cho" not in html or "Không tìm thấy" in html
