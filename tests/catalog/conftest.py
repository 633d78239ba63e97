from __future__ import annotations

import pytest


@pytest.fixture
def synced(synced_library):
    """The sample course, synced into the test database (never edited)."""
