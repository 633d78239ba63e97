"""Arbitrary form data thrown at the submit route: never a 500, never a partial attempt."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onetouch.quizzes.models import AttemptStatus
from tests.fixtures.quizzes import attempt_row, paper_of, start

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
field = st.one_of(st.sampled_from([f"q{n}" for n in range(-1, 8)]), text).filter(
    lambda name: name not in ("action", "csrf_token"))
value = st.one_of(text, st.sampled_from(["1", "2", "3", "4", "0", "5", "1,5", "6", "-1"]))
forms = st.dictionaries(field, st.lists(value, min_size=1, max_size=3), max_size=8)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=forms)
def test_submit_never_fails_and_never_stores_half_an_attempt(client, app, learner, quiz_ids,
                                                             form):
    attempt = start(client, quiz_ids["module"])  # the open one, or a new one
    response = client.post(f"/attempts/{attempt}", data={"action": "submit", **form})
    assert response.status_code in (302, 400), response.status_code
    row = attempt_row(app, attempt)
    if response.status_code == 400:
        assert (row.status, row.answers, row.results) == (AttemptStatus.OPEN, None, None)
    else:
        assert row.status is AttemptStatus.GRADED
        assert len(row.results) == len(paper_of(app, attempt))
        assert 0.0 <= row.score_percent <= 100.0
