"""The suite's fixtures are pytest plugins in tests/fixtures/, one module per concern; a
feature folder's conftest adds only fixtures of its own and imports from no other conftest."""

import pytest

# The plugins import each other's helpers: rewrite their asserts whichever is imported first.
pytest.register_assert_rewrite("tests.fixtures")

pytest_plugins = [
    "tests.fixtures.engines",
    "tests.fixtures.apps",
    "tests.fixtures.users",
    "tests.fixtures.courses",
    "tests.fixtures.quizzes",
    "tests.fixtures.factories",
    "tests.fixtures.certificates",
]
