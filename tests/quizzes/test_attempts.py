"""Attempts: the paper, grading on the server, the rules, completion."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from onetouch.db import utcnow
from onetouch.extensions import db
from onetouch.learning.models import Enrolment, ModuleProgress
from onetouch.quizzes.models import AttemptStatus, QuizAttempt
from tests.fixtures.courses import edit
from tests.fixtures.quizzes import answer_form, attempt_row, paper_of, start


def test_the_paper_reveals_no_answer(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["module"])
    html = client.get(f"/attempts/{attempt}").get_data(as_text=True)
    paper = paper_of(app, attempt)
    assert len(paper) == 5
    for question in paper:
        assert question["explanation_html"] not in html
        for accepted in question["answer"].get("accepted", []):
            assert accepted not in html
    form = html[html.index('class="paper"'):]
    form = form[:form.index("</form>")]
    assert "checked" not in form
    assert "data-" not in form
    assert not re.search(r'class="[^"]*(right|correct|key|answer)', form)
    assert re.findall(r'name="q\d+" value="([^"]+)"', form)
    assert set(re.findall(r'name="q\d+" value="([^"]+)"', form)) <= {"1", "2", "3", "4"}


def test_the_draw_is_stable_on_reload_and_resumes_elsewhere(client, app, learner, quiz_ids,
                                                            login):
    attempt = start(client, quiz_ids["final"])
    def form_of(page: str) -> str:
        return page[page.index('class="paper"'):page.index("</form>", page.index('class="paper"'))]

    first = form_of(client.get(f"/attempts/{attempt}").get_data(as_text=True))
    assert form_of(client.get(f"/attempts/{attempt}").get_data(as_text=True)) == first
    saved = {"action": "save", "q1": answer_form(paper_of(app, attempt))["q1"]}
    assert client.post(f"/attempts/{attempt}", data=saved).status_code == 302
    other_device = app.test_client()
    login(other_device, learner)
    assert start(other_device, quiz_ids["final"]) == attempt  # the same paper, resumed
    resumed = form_of(other_device.get(f"/attempts/{attempt}").get_data(as_text=True))
    assert resumed != first  # the saved answer to question 1 shows on the other device
    assert len(paper_of(app, attempt)) == 3  # draw 3 of the bank of 4


def test_draws_differ_between_attempts(client, app, learner, quiz_ids):
    papers = []
    for _ in range(5):
        attempt = start(client, quiz_ids["module"])
        papers.append(tuple((q["key"], tuple(o["id"] for o in q["options"]))
                            for q in paper_of(app, attempt)))
        client.post(f"/attempts/{attempt}", data={"action": "submit"})
    assert len(set(papers)) > 1


def test_right_answers_pass_and_complete_the_module(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["module"])
    response = client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))
    assert response.headers["Location"] == f"/attempts/{attempt}/result"
    result = client.get(f"/attempts/{attempt}/result").get_data(as_text=True)
    assert "Điểm: 100%" in result
    assert "Đạt" in result
    assert "Không ai có quyền hỏi mã OTP của bạn." in result  # explanations after submission
    assert "đáp án đúng" in result
    row = attempt_row(app, attempt)
    assert (row.status, row.score_percent, row.passed) == (AttemptStatus.GRADED, 100.0, True)
    with app.app_context():
        progress = db.session.scalar(select(ModuleProgress))
        assert progress.completed_at is not None


def test_wrong_answers_fail_and_complete_nothing(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["module"])
    client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt), right=False))
    row = attempt_row(app, attempt)
    assert (row.score_percent, row.passed) == (0.0, False)
    result = client.get(f"/attempts/{attempt}/result").get_data(as_text=True)
    assert "Chưa đạt (cần 60%)" in result
    assert "không biết" in result  # the learner's own answer is shown
    with app.app_context():
        assert db.session.scalar(select(ModuleProgress.completed_at)) is None


def test_best_score_counts(client, app, learner, quiz_ids):
    good = start(client, quiz_ids["module"])
    client.post(f"/attempts/{good}", data=answer_form(paper_of(app, good)))
    worse = start(client, quiz_ids["module"])
    client.post(f"/attempts/{worse}", data=answer_form(paper_of(app, worse), right=False))
    page = client.get(f"/quizzes/{quiz_ids['module']}").get_data(as_text=True)
    assert "Điểm cao nhất của bạn: 100%" in page
    assert "Đã đạt" in page


def test_a_resent_submission_grades_once(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["module"])
    form = answer_form(paper_of(app, attempt))
    client.post(f"/attempts/{attempt}", data=form)
    first = attempt_row(app, attempt)
    again = client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt), False))
    assert again.headers["Location"] == f"/attempts/{attempt}/result"
    second = attempt_row(app, attempt)
    assert (second.score_percent, second.submitted_at) == (first.score_percent,
                                                            first.submitted_at)


def test_attempt_limit(client, app, learner, library, synced_library, quiz_ids):
    edit(library / "mau-khoa-hoc" / "01-gioi-thieu.quiz.yml", "pass_percent: 60",
         "pass_percent: 60\nattempt_limit: 2")
    synced_library()
    for _ in range(2):
        client.post(f"/attempts/{start(client, quiz_ids['module'])}", data={"action": "submit"})
    third = client.post(f"/quizzes/{quiz_ids['module']}/start", follow_redirects=True)
    assert "Bạn đã dùng hết 2 lượt làm bài." in third.get_data(as_text=True)


def test_cooldown_between_attempts(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["final"])
    client.post(f"/attempts/{attempt}", data={"action": "submit"})
    again = client.post(f"/quizzes/{quiz_ids['final']}/start", follow_redirects=True)
    assert "Hãy ôn lại bài và thử lại sau 30 phút." in again.get_data(as_text=True)


def _move_deadline(app, attempt_id: int, seconds_ago: int) -> None:
    with app.app_context():
        row = db.session.get(QuizAttempt, attempt_id)
        row.deadline_at = utcnow() - timedelta(seconds=seconds_ago)
        db.session.commit()


def test_late_submission_counts_only_answers_saved_in_time(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["final"])
    paper = paper_of(app, attempt)
    right = answer_form(paper)
    client.post(f"/attempts/{attempt}", data={"action": "save", "q1": right["q1"]})
    _move_deadline(app, attempt, seconds_ago=120)
    late = client.post(f"/attempts/{attempt}", data=right)
    assert late.status_code == 302
    row = attempt_row(app, attempt)
    assert row.status is AttemptStatus.GRADED
    assert row.score_percent == pytest.approx(100 / 3, abs=0.01)  # only q1 was saved in time


def test_submission_within_the_grace_counts(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["final"])
    _move_deadline(app, attempt, seconds_ago=10)
    client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))
    assert attempt_row(app, attempt).score_percent == 100.0


def test_saving_after_the_time_limit_is_refused(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["final"])
    _move_deadline(app, attempt, seconds_ago=120)
    response = client.post(f"/attempts/{attempt}", data={"action": "save", "q1": "1"})
    assert response.status_code == 409
    assert "Đã hết giờ" in response.get_data(as_text=True)


def test_a_quiz_can_expire_late_attempts(client, app, learner, library, synced_library,
                                         quiz_ids):
    edit(library / "mau-khoa-hoc" / "final-exam.yml", "time_limit_minutes: 20",
         "time_limit_minutes: 20\non_timeout: expire")
    synced_library()
    attempt = start(client, quiz_ids["final"])
    _move_deadline(app, attempt, seconds_ago=120)
    # Looking writes nothing: the page says the time is up, the attempt is still open.
    assert "Đã hết giờ" in client.get(f"/attempts/{attempt}").get_data(as_text=True)
    assert attempt_row(app, attempt).status is AttemptStatus.OPEN
    response = client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))
    assert response.headers["Location"].endswith("/result")
    row = attempt_row(app, attempt)
    assert (row.status, row.passed) == (AttemptStatus.EXPIRED, False)
    assert "hết giờ" in client.get(f"/attempts/{attempt}/result").get_data(as_text=True)


def test_the_finalise_command_closes_late_attempts(app, client, learner, runner, quiz_ids):
    late, on_time = start(client, quiz_ids["final"]), start(client, quiz_ids["module"])
    _move_deadline(app, late, seconds_ago=120)
    result = runner.invoke(args=["quizzes", "finalise"])
    assert result.exit_code == 0, result.output
    assert "1 late attempt(s) closed" in result.output
    assert attempt_row(app, late).status is AttemptStatus.GRADED
    assert attempt_row(app, on_time).status is AttemptStatus.OPEN
    assert runner.invoke(args=["quizzes", "finalise"]).output.startswith("0 late")


# "Q" stands for the position of a single-choice question, "T" for a text question.
BAD_FORMS = {
    "question not in the attempt": ({"q99": "1"}, "không thuộc bài làm này"),
    "not a question field": ({"answer": "1"}, "không thuộc bài làm này"),
    "unknown option": ({"Q": "9"}, "lựa chọn không có trong câu hỏi"),
    "option that is not a number": ({"Q": "a"}, "lựa chọn không có trong câu hỏi"),
    "two answers to one question": ({"Q": ["1", "2"]}, "chỉ nhận một câu trả lời"),
    "text too long": ({"T": "x" * 501}, "câu trả lời quá dài"),
}


@pytest.mark.parametrize(("data", "message"), BAD_FORMS.values(), ids=BAD_FORMS.keys())
def test_malformed_answers_are_refused_and_nothing_is_stored(client, app, learner, quiz_ids,
                                                             data, message):
    attempt = start(client, quiz_ids["module"])
    kinds = [q["kind"] for q in paper_of(app, attempt)]
    where = {"Q": f"q{kinds.index('single') + 1}", "T": f"q{kinds.index('text') + 1}"}
    data = {where.get(name, name): value for name, value in data.items()}
    response = client.post(f"/attempts/{attempt}", data={"action": "submit", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    row = attempt_row(app, attempt)
    assert (row.status, row.answers, row.results) == (AttemptStatus.OPEN, None, None)


def test_a_number_question_refuses_words(client, app, learner, quiz_ids):
    attempt = start(client, quiz_ids["module"])
    paper = paper_of(app, attempt)
    position = next(n for n, q in enumerate(paper, start=1) if q["kind"] == "number")
    response = client.post(f"/attempts/{attempt}", data={"action": "submit",
                                                          f"q{position}": "sáu"})
    assert response.status_code == 400
    assert "hãy nhập một số" in response.get_data(as_text=True)


def test_attempts_belong_to_their_learner(client, app, learner, quiz_ids, make_user, login):
    attempt = start(client, quiz_ids["module"])
    stranger = app.test_client()
    login(stranger, make_user(province="79"))
    assert stranger.get(f"/attempts/{attempt}").status_code == 404
    assert stranger.post(f"/attempts/{attempt}", data={"action": "submit"}).status_code == 404
    assert stranger.get(f"/attempts/{attempt}/result").status_code == 404


def test_an_unenrolled_learner_cannot_start(app, make_user, login, quiz_ids):
    client = login(app.test_client(), make_user())
    response = client.post(f"/quizzes/{quiz_ids['module']}/start", follow_redirects=True)
    assert "Hãy ghi danh khóa học trước khi làm bài." in response.get_data(as_text=True)


def _pass(client, app, quiz_id):
    attempt = start(client, quiz_id)
    client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))


def _enrolment(app) -> Enrolment:
    with app.app_context():
        return db.session.scalar(select(Enrolment))


@pytest.mark.parametrize("exam_first", [True, False])
def test_final_exam_and_modules_complete_the_course_in_either_order(client, app, learner,
                                                                   quiz_ids, exam_first):
    if exam_first:
        _pass(client, app, quiz_ids["final"])
        assert _enrolment(app).completed_at is None
    _pass(client, app, quiz_ids["module"])
    client.get("/courses/mau-khoa-hoc/thuc-hanh")
    client.post("/courses/mau-khoa-hoc/thuc-hanh/done")
    if not exam_first:
        assert _enrolment(app).completed_at is None
        _pass(client, app, quiz_ids["final"])
    enrolment = _enrolment(app)
    assert enrolment.final_passed_at is not None
    assert enrolment.completed_at is not None


def test_an_edit_of_the_bank_never_changes_an_old_result(client, app, learner, library,
                                                         synced_library, quiz_ids):
    attempt = start(client, quiz_ids["module"])
    client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))
    before = attempt_row(app, attempt)
    edit(library / "mau-khoa-hoc" / "01-gioi-thieu.quiz.yml", "answer: b", "answer: a")
    synced_library()
    after = attempt_row(app, attempt)
    assert (after.score_percent, after.content_hash) == (before.score_percent,
                                                         before.content_hash)
    assert "Điểm: 100%" in client.get(f"/attempts/{attempt}/result").get_data(as_text=True)
