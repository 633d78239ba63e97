"""Helpers for editing a copy of the sample course (fixtures: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SAMPLE  # noqa: F401  (re-exported for the tests)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path.name}")
