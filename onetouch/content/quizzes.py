"""Quiz files (NN-slug.quiz.yml, final-exam.yml): settings and question banks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from onetouch.content.currency import without_marker
from onetouch.content.models import OnTimeout, QuestionKind, QuizKind
from onetouch.content.problems import Fields, Report, read_fields
from onetouch.content.render import render_inline
from onetouch.content.yamlfile import Mapping, Sequence

QUIZ_FIELDS = {"title", "pass_percent", "draw", "shuffle", "attempt_limit", "cooldown_minutes",
               "time_limit_minutes", "on_timeout", "partial_credit", "questions"}
QUESTION_FIELDS = {"id", "type", "prompt", "options", "answer", "tolerance", "explanation"}
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OPTION_KEY = re.compile(r"^[a-z0-9]{1,8}$")
TRUE_FALSE_OPTIONS = [{"id": "true", "html": "Đúng"}, {"id": "false", "html": "Sai"}]


@dataclass
class QuestionSource:
    key: str
    position: int
    kind: QuestionKind
    prompt_html: str
    options: list[dict]
    answer: dict
    explanation_html: str


@dataclass
class QuizSource:
    kind: QuizKind
    title: str
    pass_percent: int
    draw: int | None
    shuffle: bool
    attempt_limit: int | None
    cooldown_seconds: int
    time_limit_seconds: int | None
    partial_credit: bool
    on_timeout: OnTimeout = OnTimeout.GRADE_SAVED
    questions: list[QuestionSource] = field(default_factory=list)


def read_quiz(path: Path, kind: QuizKind, default_title: str, default_pass: int | None,
              report: Report) -> QuizSource | None:
    fields = read_fields(path, report, "questions: ...")
    if fields is None:
        return None
    fields.only(QUIZ_FIELDS)
    quiz = QuizSource(
        kind=kind,
        title=fields.text("title", default_title),
        pass_percent=fields.integer("pass_percent", default_pass or 70, low=1, high=100),
        draw=fields.integer("draw", None, low=1),
        shuffle=fields.boolean("shuffle", True),
        attempt_limit=fields.integer("attempt_limit", None, low=1),
        cooldown_seconds=60 * (fields.integer("cooldown_minutes", 0) or 0),
        time_limit_seconds=_minutes(fields.integer("time_limit_minutes", None, low=1)),
        partial_credit=fields.boolean("partial_credit", False),
        on_timeout=_on_timeout(fields),
    )
    quiz.questions = _questions(path, fields, report)
    if quiz.draw is not None and quiz.draw > len(quiz.questions):
        fields.problem("draw", f"draw {quiz.draw} is larger than the bank of "
                               f"{len(quiz.questions)} questions")
    return quiz


def _on_timeout(fields: Fields) -> OnTimeout:
    value = fields.text("on_timeout", OnTimeout.GRADE_SAVED.value)
    try:
        return OnTimeout(value)
    except ValueError:
        fields.problem("on_timeout", "'on_timeout' must be grade_saved or expire")
        return OnTimeout.GRADE_SAVED


def _minutes(value: int | None) -> int | None:
    return None if value is None else value * 60


def _questions(path: Path, fields: Fields, report: Report) -> list[QuestionSource]:
    items = fields.get("questions")
    if items is None:
        return []
    if not isinstance(items, Sequence) or not items:
        fields.problem("questions", "'questions' must be a list of at least one question")
        return []
    questions: list[QuestionSource] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            report.add(path, getattr(items, "line", 1), f"question {position} is not a mapping")
            continue
        question = read_question(path, item, position, report)
        if question is None:
            continue
        if question.key in seen:
            report.add(path, item.line_of("id"), f"duplicate question id '{question.key}'")
            continue
        seen.add(question.key)
        questions.append(question)
    return questions


def read_question(path: Path, item: Mapping, position: int,
                  report: Report) -> QuestionSource | None:
    fields = Fields(report, path, item, where=f"question {item.get('id', position)}")
    fields.only(QUESTION_FIELDS)
    key = fields.text("id")
    if key is not None and not KEY.match(key):
        fields.problem("id", f"id '{key}' must be lower-case letters, digits and hyphens")
        key = None
    kind = _kind(fields)
    prompt = fields.text("prompt")
    explanation = fields.text("explanation")
    if kind is None:
        return None
    if "tolerance" in item and kind is not QuestionKind.NUMBER:
        fields.problem("tolerance", "only a number question has a tolerance")
    options = _options(fields, kind)
    answer = _answer(fields, kind, options)
    if None in (key, prompt, explanation, options, answer):
        return None
    return QuestionSource(key, position, kind, _inline(prompt), options, answer,
                          _inline(explanation))


def _inline(text: str) -> str:
    return render_inline(without_marker(text))


def _kind(fields: Fields) -> QuestionKind | None:
    value = fields.text("type")
    if value is None:
        return None
    try:
        return QuestionKind(value)
    except ValueError:
        known = ", ".join(kind.value for kind in QuestionKind)
        fields.problem("type", f"unknown question type '{value}' (use one of: {known})")
        return None


def _options(fields: Fields, kind: QuestionKind) -> list[dict] | None:
    if kind is QuestionKind.TRUE_FALSE:
        return TRUE_FALSE_OPTIONS
    if kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if "options" in fields.mapping:
            fields.problem("options", f"a {kind.value} question has no options")
        return []
    return _choice_options(fields)


def _choice_options(fields: Fields) -> list[dict] | None:
    raw = fields.get("options")
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or len(raw) < 2:
        fields.problem("options", "'options' must map at least two keys to their text")
        return None
    options = []
    for key, text in raw.items():
        if not isinstance(key, str) or not OPTION_KEY.match(key):
            fields.problem("options", f"option key '{key}' must be short, like a, b, c")
            return None
        if not isinstance(text, str) or not text.strip():
            fields.problem("options", f"option '{key}' must be text (put it in quotes)")
            return None
        options.append({"id": key, "html": _inline(text)})
    return options


def _answer(fields: Fields, kind: QuestionKind, options: list[dict] | None) -> dict | None:
    raw = fields.get("answer")
    if raw is None or options is None:
        return None
    if kind is QuestionKind.TRUE_FALSE:
        if not isinstance(raw, bool):
            fields.problem("answer", "the answer to a true_false question is true or false")
            return None
        return {"options": ["true" if raw else "false"]}
    if kind is QuestionKind.TEXT:
        return _text_answer(fields, raw)
    if kind is QuestionKind.NUMBER:
        return _number_answer(fields, raw)
    return _choice_answer(fields, kind, raw, {option["id"] for option in options})


def _choice_answer(fields: Fields, kind: QuestionKind, raw, keys: set[str]) -> dict | None:
    chosen = [raw] if isinstance(raw, str) else raw
    if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
        fields.problem("answer", "'answer' must name option keys")
        return None
    if not chosen:
        fields.problem("answer", "the question has no correct answer")
        return None
    missing = [item for item in chosen if item not in keys]
    if missing:
        fields.problem("answer", f"answer names missing option(s): {', '.join(missing)}")
        return None
    if kind is QuestionKind.SINGLE and len(chosen) != 1:
        fields.problem("answer", "a single question has exactly one correct option")
        return None
    if len(set(chosen)) != len(chosen):
        fields.problem("answer", "'answer' names the same option twice")
        return None
    return {"options": sorted(chosen)}


def _text_answer(fields: Fields, raw) -> dict | None:
    accepted = [raw] if isinstance(raw, str) else raw
    if not isinstance(accepted, list) or not accepted or not all(
        isinstance(item, str) and item.strip() for item in accepted
    ):
        fields.problem("answer", "a text question needs a list of accepted answers (text)")
        return None
    return {"accepted": [item.strip() for item in accepted]}


def _number_answer(fields: Fields, raw) -> dict | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        fields.problem("answer", "the answer to a number question must be a number")
        return None
    tolerance = fields.number("tolerance", 0.0)
    if tolerance is None:
        return None
    return {"value": raw, "tolerance": tolerance}
