from tests.quizzes.conftest import quiz_ids, synced_library  # noqa: F401  (shared fixtures)
