"""The full-text index: in step with every sync, safe with any query, ranked, on both engines."""

from __future__ import annotations

import shutil

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from onetouch.catalog.search import search
from onetouch.extensions import db
from tests.fixtures.courses import SAMPLE, copy_course, edit

COURSE = "mau-khoa-hoc"
BEFORE_THE_INDEX = "b061d98a7cf4"  # the migration before the one that makes the index


def found(app, query: str) -> list[tuple[str, str | None]]:
    """(course slug, module slug or None) of each hit, best first."""
    with app.app_context():
        return [(h.course.slug, h.module.slug if h.module else None)
                for h in search(db.session, query)]


def assert_index_in_step(app) -> None:
    """SQLite: FTS5 compares its index with the rows it was made from (on PostgreSQL the
    vectors are generated columns: the database computes them on every write)."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text(
                "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)"))


def index_segments() -> int:
    """How many segments FTS5 keeps the index in: a segment's id is the high bits of the
    rowids of its pages in ``search_index_data`` (fts5_index.c, FTS5_SEGMENT_ROWID)."""
    return db.session.scalar(text(
        "SELECT count(DISTINCT id >> 37) FROM search_index_data WHERE id >> 37 > 0"))


def test_a_sync_leaves_the_index_in_one_piece(app, library, synced_library):
    """A query reads every segment; a sync writes one per course unless it merges them."""
    for number in range(1, 4):
        copy_course(library, f"ban-sao-{number}", f"Bản sao {number} về dịch vụ công")
    synced_library()
    edit(library / COURSE / "01-gioi-thieu.md", "Không bao giờ đọc mã OTP cho người khác.",
         "Không bao giờ đưa mật mã giao dịch cho kẻ gian.")
    synced_library()
    assert found(app, "ke gian") == [(COURSE, "gioi-thieu")]
    assert_index_in_step(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # PostgreSQL's GIN index has no segments
            assert index_segments() == 1


def test_archived_course_and_module_drop_out_after_a_sync(app, library, synced_library):
    copy_course(library, "ban-sao", "Bản sao về dịch vụ công")
    synced_library()
    assert ("ban-sao", None) in found(app, "ban sao")
    assert ("ban-sao", "thuc-hanh") in found(app, "tra cứu tình trạng")

    shutil.rmtree(library / "ban-sao")  # the course leaves the library: archived
    (library / COURSE / "02-thuc-hanh.md").unlink()  # and so does a module
    edit(library / COURSE / "01-gioi-thieu.md", "(02-thuc-hanh.md#cac-buoc)", "(#loi-ich)")
    synced_library()
    assert found(app, "ban sao") == []
    assert found(app, "tra cứu tình trạng") == []
    assert (COURSE, "gioi-thieu") in found(app, "dich vu cong")
    assert_index_in_step(app)


def test_restored_course_brings_its_lessons_back(app, library, tmp_path, synced_library):
    copy_course(library, "ban-sao", "Bản sao về dịch vụ công")
    synced_library()
    shutil.move(library / "ban-sao", tmp_path / "ban-sao")
    synced_library()
    assert all(slug != "ban-sao" for slug, _ in found(app, "dich vu cong"))
    shutil.move(tmp_path / "ban-sao", library / "ban-sao")
    synced_library()
    assert {("ban-sao", None), ("ban-sao", "gioi-thieu"), ("ban-sao", "thuc-hanh")} <= set(
        found(app, "dich vu cong"))
    assert_index_in_step(app)


def test_the_migration_indexes_the_rows_already_there(app, runner):
    with app.app_context():
        downgrade(revision=BEFORE_THE_INDEX)
    assert runner.invoke(args=["courses", "sync", str(SAMPLE)]).exit_code == 0
    with app.app_context():
        upgrade()
    assert found(app, "tra cứu tình trạng") == [(COURSE, "thuc-hanh")]
    assert_index_in_step(app)


def test_module_put_back_is_found_again(app, course_dir, tmp_path, synced_library):
    lesson = course_dir / "02-thuc-hanh.md"
    kept = tmp_path / lesson.name
    shutil.move(lesson, kept)
    edit(course_dir / "01-gioi-thieu.md", "(02-thuc-hanh.md#cac-buoc)", "(#loi-ich)")
    synced_library()
    assert found(app, "tra cứu tình trạng") == []
    shutil.move(kept, lesson)
    synced_library()
    assert found(app, "tra cứu tình trạng") == [(COURSE, "thuc-hanh")]


def test_edited_lesson_is_found_by_its_new_words_only(app, course_dir, synced_library):
    assert (COURSE, "gioi-thieu") in found(app, "doc ma otp")
    edit(course_dir / "01-gioi-thieu.md", "Không bao giờ đọc mã OTP cho người khác.",
         "Không bao giờ đưa mật mã giao dịch cho kẻ gian.")
    synced_library()
    assert found(app, "doc ma otp") == []
    assert found(app, "kẻ gian") == [(COURSE, "gioi-thieu")]
    assert_index_in_step(app)


def test_edited_title_moves_the_lesson_in_the_ranking(app, course_dir, synced_library):
    edit(course_dir / "02-thuc-hanh.md", "title: Thực hành nộp hồ sơ",
         "title: Thực hành ký số hồ sơ")
    synced_library()
    assert found(app, "ky so")[0] == (COURSE, "thuc-hanh")
    assert_index_in_step(app)


HOSTILE = ['"', "*", "NEAR(", "NEAR(dich vu, 2)", "a:b", "title:dich", "!!", "dich*",
           "'); DROP TABLE courses; --", '"dich" OR "vu"', "(dich | vu) & !cong", "^dich",
           "dich -vu", "AND OR NOT", "\\", "%00", "%_", "-", "<->", "dịch:* & công",
           "đ" * 2000, "dịch vụ công " * 160]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_a_normal_page(client, synced, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert 'role="search"' in response.get_data(as_text=True)


@pytest.mark.usefixtures("synced")
def test_hostile_queries_reach_the_index_as_words_only(app):
    """Straight to search(), without the page's 200-character cut."""
    for query in [*HOSTILE, "x" * 5000, " ".join(["dich"] * 500)]:
        found(app, query)
    assert found(app, "NEAR(dich vu, 2)") == []  # NEAR is a word here, not an operator
    assert found(app, '"dich" OR "tên lửa"') == []  # OR is a word: every term must match


def test_title_match_ranks_above_body_only_matches(app, course_dir, synced_library):
    edit(course_dir / "01-gioi-thieu.md", "### Chuẩn bị",
         "Chữ ký số giúp ký hồ sơ. Chữ ký số là con dấu số. Hãy giữ chữ ký số an toàn.\n\n"
         "### Chuẩn bị")
    edit(course_dir / "02-thuc-hanh.md", "title: Thực hành nộp hồ sơ",
         "title: Thực hành nộp hồ sơ có chữ ký số")
    synced_library()
    with app.app_context():
        hits = search(db.session, "chu ky so")
        order = [h.module.slug for h in hits if h.module]
        scores = [h.score for h in hits]
    assert order == ["thuc-hanh", "gioi-thieu"]
    assert scores == sorted(scores, reverse=True)


def test_words_side_by_side_rank_above_words_apart(app, course_dir, synced_library):
    edit(course_dir / "01-gioi-thieu.md", "### Chuẩn bị", "Hãy sao lưu giấy tờ.\n\n### Chuẩn bị")
    # The shorter lesson has each word twice, apart: ranked on the words alone, it would win.
    edit(course_dir / "02-thuc-hanh.md", "## Các bước",
         "Lưu ý: lưu ảnh giấy tờ vào máy, rồi sao chép thêm một bản sao.\n\n## Các bước")
    synced_library()
    assert [module for _, module in found(app, "sao lưu")] == ["gioi-thieu", "thuc-hanh"]


@pytest.mark.usefixtures("synced")
def test_a_dotted_term_finds_the_address(client):
    html = client.get("/search?q=dichvucong.gov.vn").get_data(as_text=True)
    assert "Giới thiệu Dịch vụ công trực tuyến" in html
    assert "<mark>dichvucong.gov.vn</mark>" in html


def test_lesson_text_in_the_passage_is_escaped(client, course_dir, synced_library):
    edit(course_dir / "02-thuc-hanh.md", "1. Đăng nhập.",
         "1. Đăng nhập: gõ `<script>alert(1)</script>` & xem 1 < 2 > 0.")
    synced_library()
    html = client.get("/search?q=alert").get_data(as_text=True)
    assert "<mark>alert</mark>" in html
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; &amp; xem 1 &lt; 2 &gt; 0" in html
    assert "<script>alert" not in html


def test_an_anonymous_search_is_served_from_the_page_cache(app_for, database_url):
    app = app_for(database_url, PAGE_CACHE_CHECK_SECONDS=60)
    assert app.test_cli_runner().invoke(args=["courses", "sync", str(SAMPLE)]).exit_code == 0
    first = app.test_client().get("/search?q=lua+dao")
    assert "<mark>lừa</mark>" in first.get_data(as_text=True)

    def broken(*args, **kwargs):
        raise AssertionError("Flask was asked")

    app.view_functions["catalog.search_page"] = broken
    assert app.test_client().get("/search?q=lua+dao").data == first.data


def test_a_sync_refreshes_a_cached_search(client, course_dir, synced_library):
    assert "Không tìm thấy" in client.get("/search?q=ke+gian").get_data(as_text=True)
    edit(course_dir / "01-gioi-thieu.md", "Không bao giờ đọc mã OTP cho người khác.",
         "Không bao giờ đưa mật mã giao dịch cho kẻ gian.")
    synced_library()
    assert "<mark>kẻ</mark> <mark>gian</mark>" in client.get("/search?q=ke+gian").get_data(
        as_text=True)
