"""Catalogue, course page, lesson page and assets, as a visitor sees them."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.courses import edit


@pytest.mark.usefixtures("synced")
class TestPages:
    def test_catalogue_lists_courses_with_counts_per_audience(self, client):
        html = client.get("/courses").get_data(as_text=True)
        assert "Khóa học mẫu về dịch vụ công" in html
        assert "Tất cả (1)" in html
        assert "Người dân (1)" in html
        assert "Cán bộ, lãnh đạo cấp xã (0)" in html

    def test_catalogue_filters_by_audience(self, client):
        assert "Khóa học mẫu" in client.get("/courses?audience=digital_team").get_data(
            as_text=True)
        other = client.get("/courses?audience=it_unit").get_data(as_text=True)
        assert "Khóa học mẫu" not in other
        assert "Chưa có khóa học nào" in other

    def test_unknown_audience_shows_everything(self, client):
        assert "Khóa học mẫu" in client.get("/courses?audience=x").get_data(as_text=True)

    def test_course_page_shows_syllabus_hours_and_certificate_rule(self, client):
        html = client.get("/courses/mau-khoa-hoc").get_data(as_text=True)
        assert "Giới thiệu Dịch vụ công trực tuyến" in html
        assert "Thực hành nộp hồ sơ" in html
        assert "0,5 giờ, 2 bài học" in html
        assert "15 phút" in html
        assert "bài kiểm tra 5 câu" in html
        assert "Đạt từ 70% trở lên ở bài thi cuối khóa (3 câu hỏi mỗi lần thi)" in html
        assert 'href="/courses/mau-khoa-hoc/gioi-thieu">Đọc bài đầu tiên' in html
        assert "Đăng nhập để ghi danh" in html  # a visitor is invited to log in

    def test_lesson_page_serves_stored_html_with_navigation(self, client):
        html = client.get("/courses/mau-khoa-hoc/gioi-thieu").get_data(as_text=True)
        assert "<h1>Giới thiệu Dịch vụ công trực tuyến</h1>" in html
        assert '<div class="admonition warning">' in html
        assert '<a href="#loi-ich">Lợi ích</a>' in html  # table of contents
        assert "Bài 1/2" in html
        assert "Thời gian đọc khoảng 1 phút" in html
        assert '<a rel="next" href="thuc-hanh">' in html
        assert 'rel="prev"' not in html
        assert '<a href="thuc-hanh#cac-buoc"' in html

    def test_last_lesson_links_back(self, client):
        html = client.get("/courses/mau-khoa-hoc/thuc-hanh").get_data(as_text=True)
        assert '<a rel="prev" href="gioi-thieu">' in html
        assert 'rel="next"' not in html

    @pytest.mark.parametrize("url", ["/courses/khong-co", "/courses/mau-khoa-hoc/khong-co",
                                     "/courses/mau-khoa-hoc/assets/khong-co.svg"])
    def test_unknown_pages_are_404(self, client, url):
        assert client.get(url).status_code == 404

    def test_quiz_and_source_files_are_never_served(self, client):
        for path in ("01-gioi-thieu.quiz.yml", "final-exam.yml", "course.yml"):
            assert client.get(f"/courses/mau-khoa-hoc/assets/{path}").status_code == 404

    def test_asset_is_cached_for_a_year_with_an_etag(self, client):
        html = client.get("/courses/mau-khoa-hoc/gioi-thieu").get_data(as_text=True)
        src = re.search(r'src="(assets/images/so-do\.svg\?v=[0-9a-f]+)"', html).group(1)
        response = client.get(f"/courses/mau-khoa-hoc/{src}")
        assert response.status_code == 200
        assert response.content_type == "image/svg+xml"
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert b"<svg" in response.data
        again = client.get(f"/courses/mau-khoa-hoc/{src}",
                           headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        assert again.data == b""

    def test_unversioned_asset_url_is_cached_briefly(self, client):
        response = client.get("/courses/mau-khoa-hoc/assets/images/so-do.svg")
        assert "max-age=3600" in response.headers["Cache-Control"]


def test_lesson_request_does_no_markdown_work(client, synced, monkeypatch):
    import markdown

    def forbidden(*args, **kwargs):
        raise AssertionError("Markdown rendered at request time")

    monkeypatch.setattr(markdown.Markdown, "convert", forbidden)
    assert client.get("/courses/mau-khoa-hoc/gioi-thieu").status_code == 200


def test_anonymous_lesson_is_cached_until_the_library_changes(client, runner, library):
    assert runner.invoke(args=["courses", "sync", str(library)]).exit_code == 0
    first = client.get("/courses/mau-khoa-hoc/gioi-thieu")
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in first.headers["Vary"]
    again = client.get("/courses/mau-khoa-hoc/gioi-thieu",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    edit(library / "mau-khoa-hoc" / "01-gioi-thieu.md", "Lợi ích", "Lợi ích to lớn")
    assert runner.invoke(args=["courses", "sync", str(library)]).exit_code == 0
    changed = client.get("/courses/mau-khoa-hoc/gioi-thieu",
                         headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert "Lợi ích to lớn" in changed.get_data(as_text=True)


def test_cached_page_keeps_the_language(client, synced):
    assert '<html lang="vi">' in client.get("/courses/mau-khoa-hoc").get_data(as_text=True)
    client.get("/lang/en")
    assert '<html lang="en">' in client.get("/courses/mau-khoa-hoc").get_data(as_text=True)


def test_archived_course_leaves_the_cache(client, runner, synced, tmp_path):
    assert client.get("/courses/mau-khoa-hoc").status_code == 200
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(args=["courses", "sync", str(empty)]).exit_code == 0
    assert client.get("/courses/mau-khoa-hoc").status_code == 404
