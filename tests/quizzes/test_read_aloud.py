"""A quiz's questions and options can be read aloud like a lesson (static/js/read-aloud.js)."""

from __future__ import annotations

from onetouch.content.render import plain_text
from tests.fixtures.quizzes import paper_of, start
from tests.read_aloud import needs_node, texts


def heard(paper: list[dict]) -> list[str]:
    """Each question's number and prompt, the hint of a multiple choice, then each option."""
    out = []
    for n, question in enumerate(paper, start=1):
        out.append(f"Câu {n}. {plain_text(question['prompt_html'])}")
        if question["kind"] == "multiple":
            out.append("Chọn tất cả các đáp án đúng.")
        out += [plain_text(option["html"]) for option in question["options"]]
    return out


def test_the_paper_offers_the_control(client, learner, quiz_ids):
    html = client.get(f"/attempts/{start(client, quiz_ids['module'])}").get_data(as_text=True)
    assert 'data-label-idle="Nghe câu hỏi"' in html
    assert "<div data-read-aloud>" in html
    assert '<script src="/static/js/read-aloud.js" defer></script>' in html


@needs_node
def test_questions_and_options_are_read_in_order(client, app, learner, quiz_ids):
    for quiz in ("module", "final"):
        attempt = start(client, quiz_ids[quiz])
        html = client.get(f"/attempts/{attempt}").get_data(as_text=True)
        assert texts(html) == heard(paper_of(app, attempt))
