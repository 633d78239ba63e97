from tests.quizzes.conftest import quiz_ids  # noqa: F401  (shared fixture)
