"""Grading each question type, partial credit, tolerance, Vietnamese text normalisation."""

from __future__ import annotations

import pytest

from onetouch.quizzes.grading import credit, parse_number, score_percent

SINGLE = {"kind": "single", "answer": {"options": ["b"]}}
TRUE_FALSE = {"kind": "true_false", "answer": {"options": ["false"]}}
MULTIPLE = {"kind": "multiple", "answer": {"options": ["a", "c", "d"]}}
TEXT = {"kind": "text", "answer": {"accepted": ["Cổng Dịch vụ công quốc gia", "dichvucong.gov.vn"]}}
NUMBER = {"kind": "number", "answer": {"value": 6, "tolerance": 0}}
NUMBER_TOLERANT = {"kind": "number", "answer": {"value": 3.5, "tolerance": 0.25}}


@pytest.mark.parametrize(("question", "answer", "expected"), [
    (SINGLE, ["b"], 1.0), (SINGLE, ["a"], 0.0), (SINGLE, [], 0.0), (SINGLE, None, 0.0),
    (TRUE_FALSE, ["false"], 1.0), (TRUE_FALSE, ["true"], 0.0),
    (MULTIPLE, ["a", "c", "d"], 1.0), (MULTIPLE, ["d", "a", "c"], 1.0),
    (MULTIPLE, ["a", "c"], 0.0), (MULTIPLE, ["a", "b", "c", "d"], 0.0),
])
def test_choice_questions(question, answer, expected):
    assert credit(question, answer, partial_credit=False) == expected


@pytest.mark.parametrize(("answer", "expected"), [
    (["a", "c", "d"], 1.0),
    (["a", "c"], 2 / 3),
    (["a"], 1 / 3),
    (["a", "b"], 0.0),  # one right, one wrong
    (["a", "c", "b"], 1 / 3),
    (["b"], 0.0),  # never below zero
])
def test_multiple_choice_partial_credit(answer, expected):
    assert credit(MULTIPLE, answer, partial_credit=True) == pytest.approx(expected)


@pytest.mark.parametrize(("answer", "expected"), [
    ("Cổng Dịch vụ công quốc gia", 1.0),
    ("cong dich vu cong quoc gia", 1.0),
    ("CỔNG DỊCH VỤ CÔNG QUỐC GIA", 1.0),
    ("  cổng   dịch vụ công quốc gia. ", 1.0),
    ("DICHVUCONG.GOV.VN", 1.0),
    ("Cổng thông tin", 0.0),
    ("", 0.0),
])
def test_text_ignores_accents_case_spacing_and_end_punctuation(answer, expected):
    assert credit(TEXT, answer, partial_credit=False) == expected


@pytest.mark.parametrize(("question", "answer", "expected"), [
    (NUMBER, "6", 1.0), (NUMBER, "6.0", 1.0), (NUMBER, " 6 ", 1.0), (NUMBER, "7", 0.0),
    (NUMBER, "sáu", 0.0), (NUMBER, "6e0", 0.0), (NUMBER, "nan", 0.0),
    (NUMBER_TOLERANT, "3,5", 1.0), (NUMBER_TOLERANT, "3.75", 1.0), (NUMBER_TOLERANT, "3.25", 1.0),
    (NUMBER_TOLERANT, "3.8", 0.0), (NUMBER_TOLERANT, "3,2", 0.0),
])
def test_numbers_with_tolerance_and_decimal_comma(question, answer, expected):
    assert credit(question, answer, partial_credit=False) == expected


def test_parse_number():
    assert parse_number("1 000") == 1000
    assert parse_number("-2,5") == -2.5
    assert parse_number("1.2.3") is None


def test_score_percent():
    assert score_percent([1, 0, 1, 1]) == 75.0
    assert score_percent([1, 2 / 3, 0]) == 55.56
    assert score_percent([]) == 0.0
