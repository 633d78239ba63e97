"""A logged-in learner enrolled in the sample course (shared fixtures: tests/fixtures/)."""

from __future__ import annotations

import pytest


@pytest.fixture
def learner(client, make_user, login, factories, synced_library):
    """A logged-in learner enrolled in the sample course."""
    user = make_user()
    login(client, user)
    factories.enrol(user)
    return user
