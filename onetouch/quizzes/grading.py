"""Grading one answer of each question type. Pure functions over the attempt's paper."""

from __future__ import annotations

import math
import re

from onetouch.text import normalise_answer

# "3,5" and "3.5" are the same number; so are "1 000" and "1000".
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_number(text: str) -> float | None:
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def credit(question: dict, answer, partial_credit: bool) -> float:
    """The share of one point a learner's answer earns: 0.0 to 1.0.

    :param question: the question as stored in the paper (kind, answer key).
    :param answer: option ids (list) for choice questions, text for text and number.
    """
    if answer in (None, "", []):
        return 0.0
    key = question["answer"]
    kind = question["kind"]
    if kind in ("single", "true_false"):
        return 1.0 if list(answer) == key["options"] else 0.0
    if kind == "multiple":
        return _multiple(set(answer), set(key["options"]), partial_credit)
    if kind == "text":
        accepted = {normalise_answer(item) for item in key["accepted"]}
        return 1.0 if normalise_answer(str(answer)) in accepted else 0.0
    if kind == "number":
        value = parse_number(str(answer))
        return 1.0 if value is not None and abs(value - key["value"]) <= key["tolerance"] + 1e-9 \
            else 0.0
    raise ValueError(f"unknown question kind {kind!r}")


def _multiple(chosen: set, correct: set, partial_credit: bool) -> float:
    if chosen == correct:
        return 1.0
    if not partial_credit:
        return 0.0
    # Each right choice earns its share; each wrong one takes a share back.
    earned = len(chosen & correct) - len(chosen - correct)
    return max(0.0, earned / len(correct))


def score_percent(credits: list[float]) -> float:
    return round(100 * sum(credits) / len(credits), 2) if credits else 0.0
