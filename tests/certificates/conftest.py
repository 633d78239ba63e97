from __future__ import annotations

import pytest
from sqlalchemy import select

from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from tests.quizzes.conftest import (  # noqa: F401  (fixtures used here too)
    answer_form,
    paper_of,
    quiz_ids,
    start,
)

NAME = "Nguyễn Thị Ánh Tuyết"


def complete_course(client, app, ids) -> None:
    """Pass the module quiz, read the second lesson, pass the final exam: the real path."""
    for quiz in (ids["module"], ids["final"]):
        attempt = start(client, quiz)
        client.post(f"/attempts/{attempt}", data=answer_form(paper_of(app, attempt)))
    client.get("/courses/mau-khoa-hoc/thuc-hanh")
    client.post("/courses/mau-khoa-hoc/thuc-hanh/done")


@pytest.fixture
def certified(client, app, make_user, login, quiz_ids):  # noqa: F811
    """A learner who completed the sample course; returns (user id, certificate)."""
    user = make_user(full_name=NAME)
    login(client, user)
    client.post("/courses/mau-khoa-hoc/enrol")
    complete_course(client, app, quiz_ids)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate is not None, "completing the course must issue the certificate"
        db.session.expunge(certificate)
    return user, certificate
