""""Nghe bài học": the control on every lesson, and what the script reads.

Speech needs a browser and a voice; what the script builds does not: tests/read_aloud.py runs
its readingList under Node on the page as served.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest

from tests.read_aloud import SCRIPT, needs_node, node, texts

LESSON = "/courses/mau-khoa-hoc/gioi-thieu"
# The sample lesson (tests/data/courses/mau-khoa-hoc/01-gioi-thieu.md) as it is to be heard:
# the title, each paragraph, heading, table row, list item and note, the image by its
# description; not the reading time, the table of contents or the footnote's number and
# back-link.
HEARD = [
    "Giới thiệu Dịch vụ công trực tuyến",
    "Dịch vụ công trực tuyến giúp bạn nộp hồ sơ mà không phải đến cơ quan nhà nước.",
    "Lợi ích",
    "Cách làm, Thời gian",
    "Đến trực tiếp, Nhiều",
    "Trực tuyến, Ít",
    "Hình: Sơ đồ các bước nộp hồ sơ trực tuyến.",
    "Cảnh giác",
    "Không bao giờ đọc mã OTP cho người khác.",
    "Chuẩn bị",
    "Xem tiếp phần thực hành và chú thích.",
    "Nguồn tham khảo",
    "Quyết định số 749/QĐ-TTg ngày 3/6/2020 của Thủ tướng Chính phủ.",
    "Cổng Dịch vụ công quốc gia có địa chỉ dichvucong.gov.vn.",
]


@pytest.mark.usefixtures("synced")
class TestLessonPage:
    def test_the_control_is_inert_until_the_script_finds_a_voice(self, client):
        html = client.get(LESSON).get_data(as_text=True)
        assert '<article class="lesson" data-read-aloud>' in html
        controls = html[html.index('<template id="read-aloud-controls">'):]
        controls = controls[:controls.index("</template>")]
        assert 'data-label-idle="Nghe bài học"' in controls
        for label in ("Tạm dừng", "Đọc tiếp", "‹ Trước", "Sau ›", "Dừng", "Tốc độ"):
            assert label in controls
        # The note for a device without a Vietnamese voice, just as inert.
        assert re.search(r'<template id="read-aloud-no-voice">\s*<p[^>]*>Máy của bạn chưa có '
                         r"giọng đọc tiếng Việt", html)
        assert '<script src="/static/js/read-aloud.js" defer></script>' in html
        # Outside the templates the page shows no control: without JavaScript, nothing.
        outside = re.sub(r"<template\b.*?</template>", "", html, flags=re.S)
        assert "Nghe bài học" not in outside

    @needs_node
    def test_the_script_reads_the_lesson_paragraph_by_paragraph(self, client):
        assert texts(client.get(LESSON).get_data(as_text=True)) == HEARD


def test_the_script_is_served_small_and_calls_no_service(client):
    with client.get("/static/js/read-aloud.js") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        source = response.data
    assert len(source) < 9 * 1024
    assert len(gzip.compress(source)) < 3.5 * 1024
    for call in (b"http", b"fetch(", b"XMLHttpRequest"):
        assert call not in source
    assert b"lang = 'vi-VN'" in source


@needs_node
def test_long_paragraphs_are_spoken_in_pieces_at_sentence_ends():
    sentence = "Một câu khá dài để đọc cho rõ ràng từng chữ, không vội vàng. "
    text = (sentence * 12).strip()
    program = ("const r = require(process.argv[1]);"
               "process.stdout.write(JSON.stringify(r.pieces(process.argv[2])))")
    pieces = json.loads(node("-e", program, str(SCRIPT), text))
    assert len(pieces) > 1
    assert " ".join(pieces) == text
    assert all(piece.endswith(".") and len(piece) <= 220 for piece in pieces)
    short = json.loads(node("-e", program, str(SCRIPT), "Xem dichvucong.gov.vn ngay."))
    assert short == ["Xem dichvucong.gov.vn ngay."]


@needs_node
@pytest.mark.parametrize(("voices", "chosen"), [
    ([{"lang": "en-US", "name": "E"}, {"lang": "vi", "name": "V"},
      {"lang": "vi-VN", "name": "Linh"}], "Linh"),
    ([{"lang": "en-US", "name": "E"}, {"lang": "vi_VN", "name": "An"}], "An"),
    ([{"lang": "en-US", "name": "E"}, {"lang": "vi", "name": "V"}], "V"),
    ([{"lang": "en-US", "name": "E"}, {"lang": "vie", "name": "X"}], None),
    ([], None),
])
def test_only_a_vietnamese_voice_is_used(voices, chosen):
    program = ("const r = require(process.argv[1]); const v = r.pickVoice(JSON.parse("
               "process.argv[2])); process.stdout.write(JSON.stringify(v && v.name))")
    assert json.loads(node("-e", program, str(SCRIPT), json.dumps(voices))) == chosen
