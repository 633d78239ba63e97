from __future__ import annotations

import pytest

from tests.content.conftest import SAMPLE


@pytest.fixture
def synced(runner):
    """The sample course, synced into the test database."""
    result = runner.invoke(args=["courses", "sync", str(SAMPLE)])
    assert result.exit_code == 0, result.output
