"""The lock in requirements/ agrees with pyproject.toml, and `make` installs exactly it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
APP_LOCK = ROOT / "requirements" / "app.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]

RUNTIME = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["postgres"]]
DEV = PROJECT["optional-dependencies"]["dev"]
BUILD = PYPROJECT["build-system"]["requires"]
# What pip-compile writes under a package that pyproject.toml names itself.
VIA_PROJECT = f"{PROJECT['name']} (pyproject.toml)"
VIA_BUILD = f"{PROJECT['name']} (pyproject.toml::build-system.requires)"

PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$")
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})\b")
VIA = re.compile(r"#\s*(?:via\b)?\s*(.*)")


@dataclass
class Pin:
    version: str
    hashes: set[str] = field(default_factory=set)
    via: set[str] = field(default_factory=set)


def read_lock(path: Path) -> dict[str, Pin]:
    """pip-compile's output: `name==version \\`, then its hash lines and its `# via` lines."""
    pins: dict[str, Pin] = {}
    pin = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line[:1].isspace():
            if pin is not None and (comment := VIA.fullmatch(line.strip())):
                pin.via.add(comment[1])
            elif pin is not None:
                pin.hashes.update(HASH.findall(line))
        elif not line or line.startswith("#"):
            pin = None
        else:
            match = PIN.fullmatch(line)
            assert match, f"{path.name}: not an exact pin followed by hashes: {line!r}"
            name = canonicalize_name(match[1])
            assert name not in pins, f"{path.name}: {name} pinned twice"
            pin = pins[name] = Pin(match[2])
    return pins


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


LOCKS = {
    "app": (APP_LOCK, RUNTIME),
    "dev": (DEV_LOCK, RUNTIME + DEV),
}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_dependency_is_pinned_in_range_with_hashes(lock):
    path, requirements = LOCKS[lock]
    pins = read_lock(path)
    problems = []
    for text in requirements + BUILD:
        requirement = Requirement(text)
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{text}: not in the lock")
        elif not requirement.specifier.contains(Version(pin.version), prereleases=True):
            problems.append(f"{text}: locked at {pin.version}")
        elif not pin.hashes:
            problems.append(f"{text}: no hash")
    assert problems == [], f"{path.name} is out of date, run `make lock`: {problems}"


@pytest.mark.parametrize("lock", LOCKS)
def test_the_lock_names_no_dependency_that_pyproject_dropped(lock):
    path, requirements = LOCKS[lock]
    pins = read_lock(path)
    direct = {name for name, pin in pins.items() if VIA_PROJECT in pin.via}
    build = {name for name, pin in pins.items() if VIA_BUILD in pin.via}
    assert direct == names(requirements), f"{path.name} is out of date, run `make lock`"
    assert build == names(BUILD), f"{path.name} is out of date, run `make lock`"


@pytest.mark.parametrize("path", [APP_LOCK, DEV_LOCK], ids=["app", "dev"])
def test_every_locked_package_has_hashes(path):
    assert [name for name, pin in read_lock(path).items() if not pin.hashes] == []


def test_dev_lock_has_the_app_lock_at_the_same_versions():
    app, dev = read_lock(APP_LOCK), read_lock(DEV_LOCK)
    differ = [
        name
        for name, pin in app.items()
        if name not in dev or (dev[name].version, dev[name].hashes) != (pin.version, pin.hashes)
    ]
    assert differ == [], "dev.txt is not compiled against app.txt, run `make lock`"


def test_dev_lock_pins_the_installers_and_pip_tools():
    dev = read_lock(DEV_LOCK)
    assert {"pip", "setuptools", "wheel", "pip-tools"} <= set(dev)


def make_commands() -> list[str]:
    """The Makefile's lines, continuations joined, with its `:=` variables expanded."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    variables = dict(re.findall(r"^(\w+) := (.*)$", text, flags=re.MULTILINE))
    for _ in range(5):
        text = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), text)
    return [" ".join(line.split()) for line in text.splitlines()]


def test_make_installs_the_lock_with_hashes_and_the_project_without_deps():
    installs = [line for line in make_commands() if " -m pip install " in line]
    locked = [line for line in installs if " -r " in line]
    others = [line for line in installs if " -r " not in line]
    assert any("-r requirements/dev.txt" in line for line in locked)
    assert all("--require-hashes --no-deps" in line for line in locked), locked
    assert others == [
        ".venv/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable ."
    ]


def test_make_reinstalls_when_the_lock_changes():
    (rule,) = [line for line in make_commands() if line.startswith(".venv/.installed:")]
    prerequisites = set(rule.split()[1:])
    assert prerequisites >= {"pyproject.toml", "requirements/app.txt", "requirements/dev.txt"}
