"""`flask courses check`: every kind of problem, at the right file and line, all at once."""

from __future__ import annotations

import pytest

from onetouch.content.library import load_library
from tests.fixtures.courses import edit, line_of


def problems(root) -> list[tuple[str, int, str]]:
    return [(p.path.name, p.line, p.message) for p in load_library(root).problems]


def test_the_sample_course_is_clean(library):
    result = load_library(library)
    assert result.problems == []
    assert result.warnings == []
    [course] = result.courses
    assert [m.slug for m in course.modules] == ["gioi-thieu", "thuc-hanh"]
    assert len(course.modules[0].quiz.questions) == 5
    assert course.final_exam.draw == 3


# Each case: file, text to replace, replacement, text on the expected line, expected message.
CASES = {
    "missing field": ("course.yml", "issuing_unit: Nền tảng OneTouch\n", "", "slug:",
                      "missing field 'issuing_unit'"),
    "unknown field": ("course.yml", "level: basic", "level: basic\ncolour: red", "colour:",
                      "unknown field 'colour'"),
    "unknown audience": ("course.yml", "[citizen, digital_team]", "[citizen, farmers]",
                         "audiences:", "unknown audience group 'farmers'"),
    "slug not the folder": ("course.yml", "slug: mau-khoa-hoc", "slug: khac", "slug:",
                            "must equal the folder name"),
    "malformed yaml": ("course.yml", "level: basic", "level: basic: easy", "level:",
                       "malformed YAML: mapping values are not allowed here"),
    "no correct answer": ("01-gioi-thieu.quiz.yml", "answer: [a, b]", "answer: []",
                          "answer: []", "no correct answer"),
    "answer to a missing option": ("01-gioi-thieu.quiz.yml", "answer: b", "answer: z",
                                   "answer: z", "missing option(s): z"),
    "draw larger than bank": ("final-exam.yml", "draw: 3", "draw: 9", "draw: 9",
                              "draw 9 is larger than the bank of 4 questions"),
    "unknown question type": ("final-exam.yml", "type: number", "type: essay", "type: essay",
                              "unknown question type 'essay'"),
    "missing explanation": ("final-exam.yml", "    explanation: Mã OTP chỉ mình bạn được biết.\n",
                            "", "id: cau-2", "missing field 'explanation'"),
    "broken link": ("01-gioi-thieu.md", "(02-thuc-hanh.md#cac-buoc)", "(03-khong-co.md)",
                    "03-khong-co.md", "broken link: no module '03-khong-co.md'"),
    "broken image": ("01-gioi-thieu.md", "images/so-do.svg", "images/khong-co.svg",
                     "khong-co.svg", "broken image: 'images/khong-co.svg' does not exist"),
    "image without alt": ("01-gioi-thieu.md", "![Sơ đồ các bước nộp hồ sơ trực tuyến]", "![]",
                          "![]", "has no alt text"),
    "broken link to another course": ("01-gioi-thieu.md", "(02-thuc-hanh.md#cac-buoc)",
                                      "(../khong-co/01-gioi-thieu.md)", "khong-co",
                                      "broken link: no course 'khong-co' in the library"),
    "link outside the course": ("02-thuc-hanh.md", "(01-gioi-thieu.md)", "(../../secret.txt)",
                                "secret.txt", "points outside the course folder"),
    "top-level heading": ("02-thuc-hanh.md", "## Các bước", "# Các bước", "# Các bước",
                          "use '##' for sections"),
    "no sources section": ("02-thuc-hanh.md", "## Nguồn tham khảo", "## Tài liệu", "---",
                           "no '## Nguồn tham khảo' section"),
    "compiled material as a source": ("02-thuc-hanh.md", "- Cổng", "- Tư liệu tổng hợp; Cổng",
                                      "Tư liệu tổng hợp",
                                      "'tư liệu tổng hợp' alone is not a source"),
    "source without a date": ("02-thuc-hanh.md", ", truy cập tháng 11/2026", "",
                              "## Nguồn tham khảo", "lists no source with a document number"),
    "bad front matter": ("02-thuc-hanh.md", "minutes: 15", "minutes: mười lăm", "minutes:",
                         "'minutes' must be a whole number"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_problem_names_its_file_and_line(course_dir, case):
    name, old, new, line_text, message = case
    path = course_dir / name
    edit(path, old, new)
    found = problems(course_dir.parent)
    expected_line = line_of(path, line_text)
    assert any(
        file == name and line == expected_line and message in text for file, line, text in found
    ), found


def test_duplicate_question_id_points_at_the_second_one(course_dir):
    path = course_dir / "final-exam.yml"
    edit(path, "id: cau-2", "id: cau-1")
    lines = path.read_text(encoding="utf-8").splitlines()
    second = [n for n, line in enumerate(lines, start=1) if "id: cau-1" in line][1]
    assert ("final-exam.yml", second, "duplicate question id 'cau-1'") in problems(course_dir)


def test_unclosed_bracket_names_where_it_started(course_dir):
    path = course_dir / "course.yml"
    edit(path, "level: basic", "level: [basic")
    [(_, _, message)] = problems(course_dir)
    assert f"on line {line_of(path, 'level:')})" in message


def test_duplicate_module_slug(course_dir):
    (course_dir / "03-thuc-hanh.md").write_text(
        (course_dir / "02-thuc-hanh.md").read_text(encoding="utf-8"), encoding="utf-8")
    messages = [text for _, _, text in problems(course_dir.parent)]
    assert any("duplicate module slug 'thuc-hanh'" in text for text in messages)


def test_check_never_stops_at_the_first_problem(course_dir):
    edit(course_dir / "course.yml", "level: basic", "level: expert")
    edit(course_dir / "01-gioi-thieu.quiz.yml", "answer: b", "answer: z")
    edit(course_dir / "final-exam.yml", "draw: 3", "draw: 9")
    edit(course_dir / "02-thuc-hanh.md", "(01-gioi-thieu.md)", "(09-khong-co.md)")
    files = {file for file, _, _ in problems(course_dir.parent)}
    assert files == {"course.yml", "01-gioi-thieu.quiz.yml", "final-exam.yml", "02-thuc-hanh.md"}


def test_active_svg_is_refused(course_dir):
    (course_dir / "images" / "so-do.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>')
    messages = [text for _, _, text in problems(course_dir.parent)]
    assert any("contains script" in text for text in messages)


def test_cli_prints_path_line_message_and_fails(runner, course_dir):
    edit(course_dir / "01-gioi-thieu.quiz.yml", "answer: b", "answer: z")
    result = runner.invoke(args=["courses", "check", str(course_dir.parent)])
    assert result.exit_code == 1
    line = line_of(course_dir / "01-gioi-thieu.quiz.yml", "answer: z")
    assert f"01-gioi-thieu.quiz.yml:{line}: question loi-ich: answer names missing" in result.output


def test_cli_passes_on_a_clean_library(runner, library):
    result = runner.invoke(args=["courses", "check", str(library)])
    assert result.exit_code == 0, result.output
    assert "ok: 1 courses, 2 modules, 2 quizzes, 9 questions" in result.output
