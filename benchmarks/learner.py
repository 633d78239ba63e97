"""A learner for the logged-in runs of lesson_page.py, and the statements their pages cost.

Run in the environment of the benchmark's instance (``ONETOUCH_INSTANCE_PATH``):

    python benchmarks/learner.py create COURSE_SLUG    # prints the learner's phone
    python benchmarks/learner.py count PHONE URL...    # statements per page, as JSON

``create`` registers a learner through the accounts service, enrols them in the course and
completes its first lesson, so that their pages show an enrolment with progress. ``count``
logs them in through the form with Flask's test client and counts, for each URL, the
statements of a second request (the first builds the page's shell, once per worker).
"""

from __future__ import annotations

import json
import re
import sys

from sqlalchemy import event, select

from onetouch import create_app
from onetouch.accounts.models import AudienceGroup
from onetouch.accounts.services import Registration, register
from onetouch.catalog import services as catalog
from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.learning import services as learning

PHONE = "+84912000001"
PASSWORD = "Trau-Vang!Song-Hong-27"  # noqa: S105  (a throwaway benchmark account)
USER_AGENT = "onetouch-benchmark"  # wrk sends the same, or the session would change each time
CSRF_FIELD = r'name="csrf_token"[^>]*value="([^"]+)"'


def create(course_slug: str) -> None:
    app = create_app()
    with app.app_context():
        commune = db.session.scalar(select(Commune).order_by(Commune.code))
        user = register(db.session, Registration(
            full_name="Nguyễn Thị Học", phone=PHONE, email=None, password=PASSWORD,
            province_code=commune.province_code, commune_code=commune.code,
            audience=AudienceGroup.CITIZEN, consent=True))
        course = catalog.course_by_slug(db.session, course_slug)
        enrolment = learning.enrol(db.session, user, course)
        learning.complete_module(db.session, enrolment, catalog.syllabus(db.session, course)[0])
        db.session.commit()
    print(PHONE)


def count(phone: str, urls: list[str]) -> None:
    app = create_app()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    form = client.get("/login").get_data(as_text=True)
    token = re.search(CSRF_FIELD, form).group(1)
    login = client.post("/login", data={"identifier": phone, "password": PASSWORD,
                                        "csrf_token": token})
    if login.status_code != 302:
        raise SystemExit("the benchmark learner could not log in")
    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: seen.append(statement))
    counts = {}
    for url in urls:
        assert client.get(url).status_code == 200, url
        seen.clear()
        client.get(url)
        counts[url] = len(seen)
    print(json.dumps(counts))


if __name__ == "__main__":
    if sys.argv[1] == "create":
        create(sys.argv[2])
    else:
        count(sys.argv[2], sys.argv[3:])
