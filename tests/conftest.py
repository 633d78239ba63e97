"""The suite's fixtures are pytest plugins in tests/fixtures/, one module per concern; a
feature folder's conftest adds only fixtures of its own and imports from no other conftest."""

import gc

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
    "tests.fixtures.services",
]

# Every test builds an app, an engine and their reference cycles. At the default thresholds
# the cyclic collector went through the whole heap some thirty times a run, a fifth of the
# inner loop's time: collect the young generation less often, and keep what importing and
# collecting made (alive for the whole session) out of its way.
gc.set_threshold(10_000, 10, 10)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()
