"""What the campaign-day load test's visitors do, request by request (``campaign.py``).

Three kinds of visit, drawn by ``MIX``:

* **reader**: not logged in; the home page, the catalogue, a course page and three of its
  lessons;
* **learner**: a session of a registered citizen: log in (or, for a share of sessions, a new
  person registers: the form, the commune list, the sign-up), "My learning", the course
  page (enrol the first time), then the next ``STEPS`` steps of the course in order: read a
  lesson and mark it done, or take its quiz (the quiz page, start, the paper, submit the
  right answers, the result); after the last module, the final exam and "My certificates".
  A learner goes on where they stopped, one session after another;
* **statistics**: the public statistics page and the province API.

A learner answers from the course library's answer keys (read with the project's own
loader, as the server synced them), matching each question of the paper by its prompt and
options as the page shows them, so every pass completes modules, courses and certificates.
"""

from __future__ import annotations

import random
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import loadgen

from onetouch.content.library import load_library

MIX = {"reader": 45, "learner": 45, "statistics": 10}  # per hundred visits
NEW_PERSON = 0.25  # of learner sessions: someone registers instead of logging in
STEPS = 3  # course steps (a lesson read, or a quiz passed) per learner session
PASSWORD = "Hoc-So-Moi-Ngay-2026"  # noqa: S105 (throwaway accounts of a load test)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUIZ_LINK = re.compile(r'href="/quizzes/(\d+)"')
PROVINCE_OPTION = re.compile(r'<option value="(\d{2})"')
PROMPT = re.compile(r'<legend><span class="number">[^<]*</span> (.*?)</legend>', re.S)
CHOICE = re.compile(r'<label class="choice"><input type="(?:radio|checkbox)" name="q(\d+)" '
                    r'value="(\d+)"[^>]*> (.*?)</label>', re.S)
# What each kind of request should answer; anything else counts as an error.
EXPECTED = {"register": 302, "login": 302, "enrol": 302, "mark_read": 302, "quiz_start": 302,
            "quiz_submit": 302}


@dataclass
class Course:
    slug: str
    modules: list[tuple[str, bool]]  # (slug, has a quiz), in order
    final_exam: bool


@dataclass
class Library:
    courses: list[Course]
    answers: dict[str, list[dict]]  # prompt HTML -> the questions with it

    @classmethod
    def load(cls, root: Path) -> Library:
        courses, answers = [], {}
        for source in load_library(root).courses:
            quizzes = [m.quiz for m in source.modules if m.quiz] + [source.final_exam]
            for quiz in filter(None, quizzes):
                for question in quiz.questions:
                    answers.setdefault(question.prompt_html, []).append(
                        {"kind": question.kind.value, "answer": question.answer,
                         "options": {o["html"]: o["id"] for o in question.options or []}})
            if "citizen" in source.audiences and not source.province_code:
                courses.append(Course(source.slug, [(m.slug, m.quiz is not None)
                                                    for m in source.modules],
                                      source.final_exam is not None))
        return cls(courses, answers)


@dataclass
class Person:
    phone: str
    course: Course
    step: int = 0  # modules done; len(modules) means the final exam is next
    enrolled: bool = False


@dataclass
class Visitor:
    """One simulated browser: its connection and cookies (``client``) and who it is."""

    client: loadgen.Client
    rng: random.Random
    person: Person | None = None
    token: str = ""


class Journeys:
    def __init__(self, library: Library, tally: loadgen.Tally, run_id: int) -> None:
        self.library, self.tally, self.run_id = library, tally, run_id
        self.people = 0

    async def get(self, visitor: Visitor, kind: str, path: str) -> loadgen.Answer:
        answer = await visitor.client.request("GET", path)
        self._count(kind, answer)
        if match := CSRF.search(answer.text()):
            visitor.token = match.group(1)
        return answer

    async def post(self, visitor: Visitor, kind: str, path: str, data: dict | list) -> str:
        items = list(data.items()) if isinstance(data, dict) else list(data)
        body = urllib.parse.urlencode([*items, ("csrf_token", visitor.token)]).encode()
        answer = await visitor.client.request("POST", path, body)
        self._count(kind, answer)
        return answer.location

    def _count(self, kind: str, answer: loadgen.Answer) -> None:
        expected = EXPECTED.get(kind, 200)
        self.tally.add(kind, answer if answer.status in (expected, 0) else
                       loadgen.Answer(-answer.status, {}, b"", answer.seconds))

    async def visit(self, visitor: Visitor) -> None:
        kind = visitor.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        await {"reader": self.reader, "learner": self.learner,
               "statistics": self.statistics}[kind](visitor)

    async def reader(self, visitor: Visitor) -> None:
        visitor.client.cookies.clear()
        course = visitor.rng.choice(self.library.courses)
        for kind, path in (("home", "/"), ("catalogue", "/courses"),
                           ("course", f"/courses/{course.slug}")):
            await self.get(visitor, kind, path)
        for module, _ in visitor.rng.sample(course.modules, min(3, len(course.modules))):
            await self.get(visitor, "lesson", f"/courses/{course.slug}/{module}")

    async def statistics(self, visitor: Visitor) -> None:
        await self.get(visitor, "stats_page", "/stats")
        await self.get(visitor, "stats_api", "/api/v1/stats/provinces")

    async def learner(self, visitor: Visitor) -> None:
        visitor.client.cookies.clear()
        if visitor.person is None or visitor.rng.random() < NEW_PERSON:
            await self.register(visitor)
        else:
            await self.get(visitor, "login_form", "/login")
            await self.post(visitor, "login", "/login", {"identifier": visitor.person.phone,
                                                         "password": PASSWORD})
        await self.get(visitor, "my_learning", "/my/learning")
        for _ in range(STEPS):
            await self.step(visitor)

    async def register(self, visitor: Visitor) -> None:
        page = await self.get(visitor, "register_form", "/register")
        province = visitor.rng.choice(PROVINCE_OPTION.findall(page.text()) or ["01"])
        listed = await self.get(visitor, "communes_api", f"/api/v1/provinces/{province}/communes")
        communes = re.findall(r'"code":\s*"(\d+)"', listed.text()) or ["00004"]
        self.people += 1
        phone = f"09{self.run_id % 100:02d}{self.people:06d}"
        await self.post(visitor, "register", "/register", {
            "full_name": f"Người Học {self.people}", "phone": phone,
            "province_code": province, "commune_code": visitor.rng.choice(communes),
            "audience": "citizen", "password": PASSWORD, "confirm": PASSWORD, "consent": "y"})
        visitor.person = Person(phone, visitor.rng.choice(self.library.courses))

    async def step(self, visitor: Visitor) -> None:
        """The learner's next step in their course: enrol first, then the next module, then
        the final exam; with the course done, the next person's course is another."""
        person = visitor.person
        course_path = f"/courses/{person.course.slug}"
        if not person.enrolled:
            await self.get(visitor, "course_learner", course_path)
            await self.post(visitor, "enrol", f"{course_path}/enrol", {})
            person.enrolled = True
        if person.step < len(person.course.modules):
            module, has_quiz = person.course.modules[person.step]
            page = await self.get(visitor, "lesson_learner", f"{course_path}/{module}")
            if has_quiz:
                await self.quiz(visitor, page.text())
            else:
                await self.post(visitor, "mark_read", f"{course_path}/{module}/done", {})
            person.step += 1
        elif person.course.final_exam and person.step == len(person.course.modules):
            page = await self.get(visitor, "course_learner", course_path)
            await self.quiz(visitor, page.text())
            await self.get(visitor, "my_certificates", "/my/certificates")
            person.step += 1
        else:
            person.course, person.step, person.enrolled = (
                visitor.rng.choice(self.library.courses), 0, False)

    async def quiz(self, visitor: Visitor, page: str) -> None:
        """Take the quiz linked from ``page`` and answer it rightly."""
        found = QUIZ_LINK.search(page)
        if not found:
            self.tally.add("quiz_missing", loadgen.Answer(-1, {}, b"", 0.0))
            return
        await self.get(visitor, "quiz_page", f"/quizzes/{found.group(1)}")
        attempt = await self.post(visitor, "quiz_start", f"/quizzes/{found.group(1)}/start", {})
        path = urllib.parse.urlsplit(attempt).path
        paper = await self.get(visitor, "attempt_page", path)
        answers = right_answers(paper.text(), self.library.answers)
        result = await self.post(visitor, "quiz_submit", path, [("action", "submit"), *answers])
        await self.get(visitor, "result_page", urllib.parse.urlsplit(result).path)


def right_answers(page: str, answers: dict[str, list[dict]]) -> list[tuple[str, str]]:
    """The form fields that answer a paper rightly, read off the page."""
    questions = page.split('<fieldset class="question">')[1:]
    fields = []
    for number, html in enumerate(questions, start=1):
        prompt = PROMPT.search(html)
        choices = {option: value for _, value, option in CHOICE.findall(html)}
        candidates = answers.get(prompt.group(1).strip() if prompt else "", [])
        question = next((q for q in candidates if set(q["options"]) == set(choices)),
                        candidates[0] if candidates else None)
        if question is None:
            continue
        name = f"q{number}"
        if choices:
            right = set(question["answer"]["options"])
            fields += [(name, value) for option, value in choices.items()
                       if question["options"].get(option) in right]
        elif question["kind"] == "number":
            fields.append((name, str(question["answer"]["value"])))
        else:
            fields.append((name, question["answer"]["accepted"][0]))
    return fields
