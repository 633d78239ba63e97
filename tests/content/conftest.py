"""Fixtures for the course library: a copy of the sample course that a test may edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "courses"


@pytest.fixture
def library(tmp_path) -> Path:
    root = tmp_path / "courses"
    shutil.copytree(SAMPLE, root)
    return root


@pytest.fixture
def course_dir(library) -> Path:
    return library / "mau-khoa-hoc"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path.name}")
