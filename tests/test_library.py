"""The course library in courses/: complete, checked, loadable, and written in real Vietnamese."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from onetouch.content.library import load_library

COURSES = Path(__file__).resolve().parent.parent / "courses"
REQUIRED = {
    "ky-nang-so-co-ban": "citizen",
    "dich-vu-cong-truc-tuyen": "citizen",
    "an-toan-tren-mang": "citizen",
    "thanh-toan-so-ban-hang-truc-tuyen": "citizen",
    "chuyen-doi-so-cap-xa": "commune_official",
    "chuyen-doi-so-don-vi-cntt": "it_unit",
    "to-cong-nghe-so-cong-dong": "digital_team",
}
# Letters that only exist with Vietnamese marks: a text without any has lost its accents.
VIETNAMESE_MARKED = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợ"
                               "ùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


@pytest.fixture(scope="module")
def library():
    return load_library(COURSES)


@pytest.fixture(scope="module")
def courses(library):
    return {course.slug: course for course in library.courses}


def test_the_library_checks_clean(library):
    assert [str(p) for p in library.problems] == []


def test_the_library_states_no_outdated_fact(library):
    """Warnings of the currency lint and of incomplete sources: none in the library."""
    assert [str(p) for p in library.warnings] == []


def test_the_seven_courses_for_every_audience(courses):
    assert set(REQUIRED) <= set(courses)
    for slug, audience in REQUIRED.items():
        assert audience in courses[slug].audiences, slug


@pytest.mark.parametrize("slug", REQUIRED)
def test_course_size_and_rules(courses, slug):
    course = courses[slug]
    assert len(course.modules) >= 4
    assert course.has_certificate
    assert course.final_exam is not None
    assert len(course.final_exam.questions) >= 20
    assert course.final_exam.draw == 10
    assert 1 <= course.final_exam.pass_percent <= 100
    minutes = sum(module.minutes for module in course.modules)
    assert abs(course.estimated_hours - minutes / 60) <= 0.5, (course.estimated_hours, minutes)


@pytest.mark.parametrize("slug", REQUIRED)
def test_every_module_has_a_mixed_quiz_with_explanations(courses, slug):
    for module in courses[slug].modules:
        quiz = module.quiz
        assert quiz is not None, module.slug
        assert len(quiz.questions) >= 5, module.slug
        assert len({question.kind for question in quiz.questions}) >= 2, module.slug
    for quiz in [m.quiz for m in courses[slug].modules] + [courses[slug].final_exam]:
        for question in quiz.questions:
            assert question.explanation_html.strip(), question.key


@pytest.mark.parametrize("slug", REQUIRED)
def test_module_text_keeps_its_vietnamese_accents(courses, slug):
    for module in courses[slug].modules:
        text = unicodedata.normalize("NFC", module.rendered.plain_text)
        words = text.split()
        marked = [word for word in words if VIETNAMESE_MARKED.search(word)]
        # Real Vietnamese prose marks far more than a fifth of its syllables.
        assert len(marked) > len(words) / 5, (module.slug, len(marked), len(words))


@pytest.mark.parametrize("slug", REQUIRED)
def test_every_module_names_its_sources(courses, slug):
    for module in courses[slug].modules:
        assert 'id="nguon-tham-khao"' in module.rendered.html, module.slug


def test_the_diacritics_check_rejects_stripped_text():
    stripped = "Chuyen doi so bat dau tu nhan thuc cua nguoi dan va can bo"
    assert not VIETNAMESE_MARKED.search(stripped)


def test_sync_loads_all_seven(runner, session):
    from sqlalchemy import func, select

    from onetouch.content.models import Course

    result = runner.invoke(args=["courses", "sync", str(COURSES)])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(func.count()).select_from(Course)) >= len(REQUIRED)
