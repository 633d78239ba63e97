from __future__ import annotations

import pytest


@pytest.fixture
def synced_library(runner, library):
    """The sample course (copied, editable) synced into the test database."""
    def sync():
        result = runner.invoke(args=["courses", "sync", str(library)])
        assert result.exit_code == 0, result.output

    sync()
    return sync
