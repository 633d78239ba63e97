"""Hypothesis sends every query parameter the pages and the API read, and every field of every
form, with values of every kind (text in any script, NUL, digits of other scripts, numbers past
any column, days outside any calendar, repeated fields): the answer is never a 500. Bounded,
and run on both engines: PostgreSQL refuses what SQLite stores (a NUL, a number too long).
The quiz answer form has its own test (tests/quizzes/test_fuzz.py); the upload of a bulk import has
its own bad-file tests (tests/onboarding).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import ROLES

EXAMPLES = 60
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Every query parameter a view reads, and the pages that read them (as the ministry admin,
# who may open them all; {field}s are the world's).
QUERY_PARAMETERS = ("q", "page", "audience", "number", "scheme", "course", "from", "to",
                    "province", "action", "export", "next", "v", "commune", "status", "sort",
                    "dir")
QUERY_PAGES = (
    "/courses", "/search", "/stats", "/stats/export.csv", "/stats/export.xlsx",
    "/stats/provinces/01", "/stats/provinces/01/export.csv", "/admin/audit", "/admin/users",
    "/admin/certificates", "/verify", "/admin/required/{requirement}", "/register", "/login",
    "/lang/en", "/courses/{course}/assets/{asset}", "/api/v1/stats/provinces",
    "/api/v1/stats/provinces/01/communes", "/api/v1/stats/timeseries",
    "/admin/learners", "/admin/learners/export.csv", "/admin/officials",
    "/admin/required/{requirement}/export.xlsx", "/admin/required/{requirement}/overdue",
    "/admin/required/{requirement}/pending/export.csv", "/notifications", "/password/code",
)
# Every form: its address, who sends it (a column of the matrix) and its fields.
PLACE = ("province_code", "commune_code", "choose_province")
PERSON = ("full_name", "phone", "email", "audience", "position")
FORMS = (
    ("/login", "anonymous", ("identifier", "password", "remember")),
    ("/register", "anonymous", (*PERSON, *PLACE, "password", "confirm", "consent")),
    ("/password/forgot", "anonymous", ("email",)),
    ("/password/reset/not-a-token", "anonymous", ("new_password", "confirm")),
    ("/profile", "learner", (*PERSON, *PLACE)),
    ("/profile/password", "learner", ("current_password", "new_password", "confirm")),
    ("/assist/register", "team", (*PERSON, *PLACE, "password", "confirm", "consent")),
    ("/admin/users/{other}/roles", "ministry", ("role", "province_code")),
    ("/admin/required", "ministry",
     ("course_id", "title", "audience", "province_code", "starts_on", "deadline", "grace_days",
      "confirm_past")),
    ("/admin/required/{requirement}/edit", "ministry",
     ("title", "audience", "province_code", "deadline", "grace_days", "confirm_past")),
    ("/admin/required/{requirement}/cancel", "ministry", ("sure",)),
    ("/admin/officials/confirm", "ministry", ("user_id",)),
    ("/password/code", "anonymous", ("identifier", "code", "new_password", "confirm")),
    ("/password/code/sms", "anonymous", ("phone",)),
    ("/notifications/settings", "learner", ("email", "sms")),
    ("/notifications/read", "learner", ("id",)),
    ("/admin/certificates/{certificate}/revoke", "ministry", ("reason",)),
    ("/courses/{course}/enrol", "learner", ()),
    ("/quizzes/{quiz}/start", "learner", ()),
)

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
numbers = st.one_of(st.integers(-(2**70), 2**70).map(str),
                    st.sampled_from(["0", "01", "²", "٣", "1e3", "+1", " 1", "1_000",
                                     "2147483648", "9223372036854775808"]))
days = st.one_of(st.dates().map(str),
                 st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "20261201",
                                  "2026-W49-2", "2026-12-01T00:00", ""]))
known = st.sampled_from(["01", "79", "citizen", "legacy", "2025", "csv", "xlsx",
                         "province_admin", "ministry_admin", "role_granted", "y", "on"])
value = st.one_of(text, numbers, days, known, st.just("\x00"))
other_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


def fields(names: tuple[str, ...]):
    """Some of these fields (each with one to three values), and maybe one nobody reads."""
    name = st.sampled_from(names) if names else other_name
    return st.dictionaries(st.one_of(name, other_name), st.lists(value, min_size=1,
                                                                  max_size=3), max_size=6)


@pytest.fixture
def visitors(app, world, login) -> dict:
    """A client per role (the test app has CSRF off: these tests are about the fields)."""
    app.config["PASSWORD_CODE_BY_SMS"] = True  # its form is fuzzed too
    return {role: login(app.test_client(), world[role]) if role != "anonymous"
            else app.test_client() for role in ROLES}


@FUZZ
@given(page=st.sampled_from(QUERY_PAGES), query=fields(QUERY_PARAMETERS))
def test_no_query_parameter_makes_a_server_error(visitors, world, page, query):
    response = visitors["ministry"].get(page.format(**world), query_string=query)
    assert response.status_code < 500, (page, query, response.status_code)


@FUZZ
@given(form=st.sampled_from(FORMS), data=st.data())
def test_no_form_field_makes_a_server_error(visitors, world, form, data):
    path, role, names = form
    sent = data.draw(fields(names))
    response = visitors[role].post(path.format(**world), data=sent)
    assert response.status_code < 500, (path, sent, response.status_code)
