"""The currency lint: outdated terms are warnings at their line, unless marked as history."""

from __future__ import annotations

import unicodedata

import pytest

from onetouch.content.library import load_library
from onetouch.geo.services import legacy_rows, province_rows
from tests.fixtures.courses import edit, line_of

TERMS = """\
terms:
  - phrase: UBND huyện
    not_within: [không còn UBND huyện]
    hint: no district level since 1/7/2025
  - phrase: Ủy ban nhân dân huyện
    hint: no district level since 1/7/2025
  - phrase: 63 tỉnh
    hint: 34 provinces since 1/7/2025
  - pattern: 'bộ\\s+phận\\s+(một|1)\\s+cửa'
    hint: Trung tâm Phục vụ hành chính công cấp xã
  - phrase: Bộ Thông tin và Truyền thông
    unless_followed_by: (nay là
    hint: follow it with "(nay là Bộ Khoa học và Công nghệ)"
legacy_provinces:
  unless_followed_by: ["(nay thuộc", "(nay là"]
  not_within: [Thái Bình Dương]
  hint: now part of {now}; write "{name} (nay thuộc {now})"
"""
LESSON = "02-thuc-hanh.md"
ANCHOR = "Bài này hướng dẫn các bước nộp hồ sơ và tra cứu tình trạng hồ sơ."


@pytest.fixture
def terms(library):
    (library / "outdated-terms.yml").write_text(TERMS, encoding="utf-8")
    return library


def warnings(root) -> list[tuple[str, int, str]]:
    return [(p.path.name, p.line, p.message) for p in load_library(root).warnings]


def write_in_lesson(course_dir, text: str) -> int:
    """Put ``text`` after the lesson's first paragraph; the line it starts on."""
    path = course_dir / LESSON
    edit(path, ANCHOR, f"{ANCHOR}\n\n{text}")
    return line_of(path, ANCHOR) + 2


def test_the_terms_file_is_not_a_course_and_the_sample_is_current(terms):
    library = load_library(terms)
    assert library.problems == []
    assert library.warnings == []
    assert [course.slug for course in library.courses] == ["mau-khoa-hoc"]


FLAGGED = {
    "district": ("Hồ sơ nộp ở UBND huyện.", "'UBND huyện' is outdated: no district level"),
    "any case": ("Hồ sơ nộp ở ubnd HUYỆN.", "'ubnd HUYỆN' is outdated"),
    "old tone placement": ("Hồ sơ nộp ở Uỷ ban nhân dân huyện.",
                           "'Uỷ ban nhân dân huyện' is outdated"),
    "a pattern": ("Nộp tại bộ phận 1 cửa của xã.", "'bộ phận 1 cửa' is outdated"),
    "ministry without its new name": ("Bộ Thông tin và Truyền thông hướng dẫn.",
                                      "follow it with \"(nay là Bộ Khoa học và Công nghệ)\""),
    "old province": ("Tổ công nghệ số ở Bắc Kạn.",
                     "'Bắc Kạn' is outdated: now part of tỉnh Thái Nguyên; write "
                     "\"Bắc Kạn (nay thuộc tỉnh Thái Nguyên)\" (or end a line told as history "
                     "with <!-- history -->)"),
    "renamed province": ("Cố đô ở Thừa Thiên Huế.", "now part of thành phố Huế"),
    "province in the old spelling": ("Tổ công nghệ số ở tỉnh Hoà Bình.", "'Hoà Bình'"),
    "over two lines": ("Cả nước có 63\ntỉnh, thành phố.", "'63 tỉnh' is outdated"),
}


@pytest.mark.parametrize("case", FLAGGED.values(), ids=FLAGGED.keys())
def test_an_outdated_term_is_a_warning_at_its_line(terms, course_dir, case):
    text, message = case
    line = write_in_lesson(course_dir, text)
    library = load_library(terms)
    assert library.problems == []
    [(name, at, found)] = warnings(terms)
    assert (name, at) == (LESSON, line)
    assert message in found


def test_decomposed_vietnamese_is_matched(terms, course_dir):
    write_in_lesson(course_dir, unicodedata.normalize("NFD", "Hồ sơ nộp ở UBND huyện."))
    assert len(warnings(terms)) == 1


ALLOWED = {
    "marked as history": "Năm 2022, khi đó cả nước có 63 tỉnh, thành phố. <!-- history -->",
    "marker on the second line": "Năm 2022 cả nước có 63\ntỉnh. <!-- history -->",
    "ministry with its new name": "Bộ Thông tin và Truyền thông (nay là Bộ Khoa học và Công "
                                  "nghệ) hướng dẫn.",
    "old province with its new one": "Bắc Kạn (nay thuộc tỉnh Thái Nguyên) có Tổ công nghệ số.",
    "renamed province with its new name": "Thừa Thiên Huế (nay là thành phố Huế).",
    "a longer phrase that is not the term": "Cáp quang biển qua Thái Bình Dương bị đứt.",
    "a phrase the list allows": "Từ 1/7/2025 không còn UBND huyện.",
    "a province of the 2025 map": "Thái Nguyên, Thành phố Hà Nội và Thành phố Huế.",
    "a word that only contains a term": "Mã 163 tỉnh lộ; xã Hà Giangg.",
}


@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed_uses_are_not_warned(terms, course_dir, text):
    write_in_lesson(course_dir, text)
    assert warnings(terms) == []


def test_source_items_name_bodies_as_they_were(terms, course_dir):
    edit(course_dir / LESSON, "- Cổng Dịch vụ công quốc gia,",
         "- Bộ Thông tin và Truyền thông, “Cẩm nang chuyển đổi số”, năm 2022.\n"
         "- Cổng Dịch vụ công quốc gia,")
    assert warnings(terms) == []


def test_every_province_that_no_longer_exists_is_derived_from_the_geo_data(terms, course_dir):
    legacy = [row["name"] for row in legacy_rows()]
    write_in_lesson(course_dir, "\n\n".join(legacy))
    warned = {message.split("'")[1] for _, _, message in warnings(terms)}
    current = {row["name"] for row in province_rows()}
    assert (len(legacy), len(current)) == (63, 34)
    assert warned == set(legacy) - current
    assert len(warned) == 30  # 29 merged into another province, and Thừa Thiên Huế renamed
    assert {"Bắc Kạn", "Bà Rịa - Vũng Tàu", "Thừa Thiên Huế"} <= warned


QUIZ_CASES = {
    "module quiz": ("01-gioi-thieu.quiz.yml", "prompt: Địa chỉ Cổng",
                    "prompt: Ở UBND huyện, địa chỉ Cổng"),
    "final exam": ("final-exam.yml", "explanation: Mã OTP chỉ mình bạn được biết.",
                   "explanation: Năm 2022 có 63 tỉnh. Mã OTP chỉ mình bạn được biết."),
}


@pytest.mark.parametrize("case", QUIZ_CASES.values(), ids=QUIZ_CASES.keys())
def test_quiz_files_are_checked_and_marked_with_a_yaml_comment(terms, course_dir, case):
    name, old, new = case
    path = course_dir / name
    edit(path, old, new)
    [(file, line, message)] = warnings(terms)
    assert (file, line) == (name, line_of(path, new))
    assert message.endswith("(or end a line told as history with # history)")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] += "  # history"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert warnings(terms) == []


def test_course_settings_are_checked_but_yaml_comments_are_not(terms, course_dir):
    path = course_dir / "course.yml"
    edit(path, "level: basic", "level: basic\n# Nộp tại bộ phận một cửa: an author's note")
    assert warnings(terms) == []
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: Ở UBND huyện, ", 1), encoding="utf-8")
    [(file, line, _)] = warnings(terms)
    assert (file, line) == ("course.yml", line_of(path, "UBND huyện"))


def test_checking_one_course_uses_the_library_terms(terms, course_dir):
    write_in_lesson(course_dir, "Hồ sơ nộp ở UBND huyện.")
    assert len(load_library(course_dir).warnings) == 1


def test_without_a_terms_file_nothing_is_warned(library, course_dir):
    write_in_lesson(course_dir, "Hồ sơ nộp ở UBND huyện, 63 tỉnh, Bắc Kạn.")
    assert load_library(library).warnings == []


TERMS_ERRORS = {
    "a bad pattern": ("phrase: 63 tỉnh", "pattern: '63 (tỉnh'",
                      "'pattern' is not a regular expression"),
    "neither phrase nor pattern": ("phrase: 63 tỉnh", "word: 63 tỉnh", "unknown field 'word'"),
    "no hint": ("    hint: 34 provinces since 1/7/2025\n", "", "missing field 'hint'"),
}


@pytest.mark.parametrize("case", TERMS_ERRORS.values(), ids=TERMS_ERRORS.keys())
def test_a_broken_terms_file_is_an_error(terms, case):
    old, new, message = case
    path = terms / "outdated-terms.yml"
    edit(path, old, new)
    problems = load_library(terms).problems
    assert any(p.path.name == "outdated-terms.yml" and message in p.message
               for p in problems), problems


def test_cli_prints_warnings_and_passes_unless_strict(runner, terms, course_dir):
    line = write_in_lesson(course_dir, "Hồ sơ nộp ở UBND huyện.")
    result = runner.invoke(args=["courses", "check", str(terms)])
    assert result.exit_code == 0, result.output
    assert f"{LESSON}:{line}: warning: 'UBND huyện' is outdated" in result.output
    assert "; 0 errors, 1 warning" in result.output
    strict = runner.invoke(args=["courses", "check", "--strict", str(terms)])
    assert strict.exit_code == 1
    assert "0 errors, 1 warning found" in strict.output


def test_cli_counts_errors_and_warnings_apart(runner, terms, course_dir):
    write_in_lesson(course_dir, "Hồ sơ nộp ở UBND huyện.")
    edit(course_dir / "final-exam.yml", "draw: 3", "draw: 9")
    result = runner.invoke(args=["courses", "check", str(terms)])
    assert result.exit_code == 1
    assert "1 error, 1 warning found" in result.output


def test_sync_goes_ahead_with_warnings_unless_strict(runner, terms, course_dir):
    write_in_lesson(course_dir, "Hồ sơ nộp ở UBND huyện.")
    strict = runner.invoke(args=["courses", "sync", "--strict", str(terms)])
    assert strict.exit_code == 1
    assert "nothing synced" in strict.output
    result = runner.invoke(args=["courses", "sync", str(terms)])
    assert result.exit_code == 0, result.output
    assert "warning: 'UBND huyện' is outdated" in result.output


def test_a_marker_inside_a_yaml_block_is_not_shown(terms, course_dir):
    """In a block (>-, |) "# history" is text to YAML, not a comment: it must not show."""
    path = course_dir / "final-exam.yml"
    edit(path, "explanation: Mã OTP chỉ mình bạn được biết.",
         "explanation: >-\n      Năm 2022 có 63 tỉnh.  # history\n      Mã OTP là bí mật.")
    library = load_library(terms)
    assert (library.problems, library.warnings) == ([], [])
    question = next(q for q in library.courses[0].final_exam.questions if q.key == "cau-2")
    assert question.explanation_html == "Năm 2022 có 63 tỉnh. Mã OTP là bí mật."
