"""Problems found in the course library, and a reader of typed fields that reports them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from onetouch.content.yamlfile import Mapping, YamlError, read


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{display_path(self.path)}:{self.line}: {kind}{self.message}"


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it, as editors expect."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


@dataclass
class Report:
    """Errors (``problems``) stop a sync; warnings are printed and only fail ``--strict``."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def warn(self, path: Path, line: int, message: str) -> None:
        self.warnings.append(Problem(path, line, message, warning=True))

    def __bool__(self) -> bool:
        return bool(self.problems)


MISSING = object()


class Fields:
    """Typed access to a YAML mapping; every bad or missing value becomes a Problem."""

    def __init__(self, report: Report, path: Path, mapping: Mapping, where: str = "") -> None:
        self.report = report
        self.path = path
        self.mapping = mapping
        self.where = f"{where}: " if where else ""

    def problem(self, key, message: str) -> None:
        self.report.add(self.path, self.mapping.line_of(key), self.where + message)

    def only(self, allowed: set[str]) -> None:
        for key in self.mapping:
            if key not in allowed:
                self.problem(key, f"unknown field '{key}'")

    def get(self, key: str, default=MISSING):
        if key in self.mapping and self.mapping[key] is not None:
            return self.mapping[key]
        if default is MISSING:
            self.problem(key, f"missing field '{key}'")
        return None if default is MISSING else default

    def text(self, key: str, default=MISSING) -> str | None:
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"'{key}' must be text (put it in quotes)")
            return None
        return value.strip()

    def integer(self, key: str, default=MISSING, low: int = 0, high: int | None = None):
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"'{key}' must be a whole number")
            return None
        if value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.problem(key, f"'{key}' must be {limit}, not {value}")
            return None
        return value

    def number(self, key: str, default=MISSING, low: float = 0.0) -> float | None:
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(key, f"'{key}' must be a number")
            return None
        if value < low:
            self.problem(key, f"'{key}' must be at least {low}")
            return None
        return float(value)

    def boolean(self, key: str, default=MISSING) -> bool | None:
        value = self.get(key, default)
        if value is None or value is default:
            return value
        if not isinstance(value, bool):
            self.problem(key, f"'{key}' must be true or false")
            return None
        return value


def read_fields(path: Path, report: Report, shape: str) -> Fields | None:
    """A YAML file of fields, or None with the problem reported at its line.

    :param shape: how the file should look, for the message ("title: ...").
    """
    try:
        data = read(path)
    except YamlError as error:
        report.add(path, error.line, error.message)
        return None
    if not isinstance(data, Mapping):
        report.add(path, 1, f"{path.name} must be fields such as '{shape}'")
        return None
    return Fields(report, path, data)
