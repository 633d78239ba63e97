"""The import graph of ``onetouch/`` follows the layers written in ARCHITECTURE.md.

Built from the source (AST), not by importing, so an import inside a function counts as much as
one at the top of a module: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "onetouch"
# Where the features are put together: these may import anything.
ASSEMBLY = {"onetouch", "onetouch.listeners", "onetouch.models"}


def layers() -> list[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers -->(.*?)<!-- /layers -->", text, re.DOTALL).group(1)
    return re.findall(r"^\d+\. (\w+)$", block, re.MULTILINE)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The ``onetouch`` modules that a file imports, by full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "onetouch" or name.startswith("onetouch.")}


def graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    # "from onetouch.x import y" names either a module x.y or a thing y in x: keep modules.
    return {name: {each for each in imports_of(path) if each in files} - {name}
                for name, path in files.items()}


def unit(module: str) -> str:
    """The layer a module belongs to: its top-level name under onetouch."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_the_layer_list_names_every_package_and_module():
    top = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()
           if (path.suffix == ".py" and path.stem != "__init__")
           or (path / "__init__.py").exists()}
    top -= {name.split(".")[1] for name in ASSEMBLY if "." in name}
    assert set(layers()) >= top, f"not in ARCHITECTURE.md's layers: {top - set(layers())}"


def test_imports_go_down_the_layers_only():
    rank = {name: number for number, name in enumerate(layers())}
    wrong = []
    for module, targets in graph().items():
        if module in ASSEMBLY:
            continue
        for target in targets:
            if target in ASSEMBLY or rank[unit(target)] > rank[unit(module)]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, ()))
    return seen


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import one another, directly or through others."""
    reach = {node: reachable(edges, node) for node in edges}
    groups = {tuple(sorted({node} | {other for other in reach[node] if node in reach[other]}))
              for node in edges if node in reach[node]}
    return sorted(list(group) for group in groups)


def test_no_module_import_cycles():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("init", sorted(p for p in PACKAGE.rglob("__init__.py")
                                        if p.parent != PACKAGE), ids=lambda p: p.parent.name)
def test_a_package_init_imports_nothing(init):
    """Routes, receivers and template hooks are wired by create_app, never by an import."""
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def test_importing_a_pure_module_loads_no_views():
    import subprocess
    import sys

    code = ("import sys, onetouch.quizzes.grading; "
            "print(sorted(m for m in sys.modules if m.endswith('.views')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
