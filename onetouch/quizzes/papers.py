"""Drawing an attempt's paper, and reading the answers a form sends back for it.

A paper is a snapshot of the questions as drawn: prompt, options in the order shown,
answer key and explanation. Grading and the result page read the snapshot only, so a
later edit of the bank never changes an old result. Form fields are named by position
("q1", option "2"), never by the author's keys, so the page hints at nothing.
"""

from __future__ import annotations

import random
import re

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from onetouch.content.models import Question, QuestionKind, Quiz
from onetouch.core.rules import RuleError
from onetouch.quizzes.grading import parse_number

MAX_TEXT = 500
IGNORED_FIELDS = {"csrf_token", "action"}
_FIELD = re.compile(r"^q([1-9]\d{0,3})$")
_rng = random.SystemRandom()


class AnswerError(RuleError):
    """A answer rule was broken."""


def draw(quiz: Quiz, bank: list[Question], rng: random.Random = _rng) -> list[dict]:
    """Draw ``quiz.draw`` questions (all by default); shuffle questions and options if asked."""
    count = min(quiz.draw or len(bank), len(bank))
    chosen = rng.sample(bank, count)
    if not quiz.shuffle:
        chosen.sort(key=lambda question: question.position)
    return [_snapshot(question, quiz.shuffle, rng) for question in chosen]


def _snapshot(question: Question, shuffle: bool, rng: random.Random) -> dict:
    options = [{"id": o["id"], "html": o["html"]} for o in question.options]
    if shuffle and question.kind is not QuestionKind.TRUE_FALSE:
        rng.shuffle(options)
    return {"question_id": question.id, "key": question.key, "kind": question.kind.value,
            "prompt_html": question.prompt_html, "options": options,
            "answer": question.answer, "explanation_html": question.explanation_html,
            "hash": question.content_hash}


def read_answers(paper: list[dict], form: MultiDict) -> dict[str, object]:
    """Answers by position from form data; anything not of this paper is refused whole.

    :raises AnswerError: naming the first problem; nothing is taken from a bad form.
    """
    answers: dict[str, object] = {}
    for name in form:
        if name in IGNORED_FIELDS:
            continue
        match = _FIELD.match(name)
        position = int(match.group(1)) if match else 0
        if not 1 <= position <= len(paper):
            raise AnswerError(_l("Câu trả lời gửi lên không thuộc bài làm này."))
        value = _read_one(paper[position - 1], form.getlist(name), position)
        if value not in (None, "", []):
            answers[str(position)] = value
    return answers


def _read_one(question: dict, values: list[str], position: int):
    kind = question["kind"]
    if kind == "multiple":
        return _option_ids(question, values, position)
    if len(values) != 1:
        raise AnswerError(_l("Câu %(n)d chỉ nhận một câu trả lời.", n=position))
    value = values[0]
    if kind in ("single", "true_false"):
        return _option_ids(question, [value], position)
    if len(value) > MAX_TEXT:
        raise AnswerError(_l("Câu %(n)d: câu trả lời quá dài.", n=position))
    value = value.strip()
    if kind == "number" and value and parse_number(value) is None:
        raise AnswerError(_l("Câu %(n)d: hãy nhập một số, ví dụ 3 hoặc 3,5.", n=position))
    return value


def _option_ids(question: dict, values: list[str], position: int) -> list[str]:
    options = question["options"]
    chosen = []
    for value in values:
        # isdigit() alone admits "²", which int() refuses: only ASCII digits are positions.
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= len(options):
            raise AnswerError(_l("Câu %(n)d: lựa chọn không có trong câu hỏi.", n=position))
        chosen.append(options[int(value) - 1]["id"])
    if len(set(chosen)) != len(chosen):
        raise AnswerError(_l("Câu %(n)d: một lựa chọn được gửi hai lần.", n=position))
    return sorted(chosen)


def chosen_tokens(question: dict, answer) -> set[str]:
    """The option positions ("1", "2", ...) to show as chosen for a saved answer."""
    ids = set(answer or [])
    return {str(i) for i, option in enumerate(question["options"], start=1) if option["id"] in ids}
