"""YAML that remembers where each value came from, so problems can name their line."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml
from yaml.resolver import BaseResolver


class Mapping(dict):
    """A dict with the line of the mapping and of each of its keys (1-based)."""

    line: int = 1
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    line: int = 1


class DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DuplicateKey(problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class YamlError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse(text: str, first_line: int = 1):
    """Parse YAML text; errors carry the line in the file (``first_line`` is where it starts)."""
    # Padding with the lines before it makes every recorded line a line of the file.
    text = "\n" * (first_line - 1) + text
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1) if mark else first_line
        message = f"malformed YAML: {error.problem or error.context}"
        if error.context_mark and error.context_mark.line + 1 != line:
            message += f" ({error.context} on line {error.context_mark.line + 1})"
        return _raise(line, message)
    except yaml.YAMLError as error:
        return _raise(first_line, f"malformed YAML: {error}")


def _raise(line: int, message: str):
    raise YamlError(line, message)


def read_text(path: Path) -> str:
    """A source file as NFC text: editors on some systems save Vietnamese decomposed."""
    return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))


def read(path: Path):
    return parse(read_text(path))
