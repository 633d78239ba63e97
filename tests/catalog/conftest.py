from __future__ import annotations

import shutil

import pytest

from tests.content.conftest import SAMPLE, edit

COURSE = "mau-khoa-hoc"


@pytest.fixture
def synced(runner):
    """The sample course, synced into the test database."""
    result = runner.invoke(args=["courses", "sync", str(SAMPLE)])
    assert result.exit_code == 0, result.output


def copy_course(library, slug: str, title: str) -> None:
    """The sample course again in ``library``, under another slug and title."""
    shutil.copytree(library / COURSE, library / slug)
    edit(library / slug / "course.yml", f"slug: {COURSE}", f"slug: {slug}")
    edit(library / slug / "course.yml", "Khóa học mẫu về dịch vụ công", title)
