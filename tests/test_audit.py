"""`make audit` checks every locked package for known vulnerabilities. It needs the internet
(the advisory services), so it is not part of `make test`; what can be checked here, with no
network at all, is that its pip-audit reads both locks whole: every pin would be audited."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = [ROOT / "requirements" / "app.txt", ROOT / "requirements" / "dev.txt"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.MULTILINE)


def _audit_command() -> list[str]:
    """The pip-audit line of the Makefile's audit target, as arguments."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\naudit: install\n", 1)[1].split("\n\n", 1)[0]
    line = recipe.replace("\\\n", " ").splitlines()[0].split()
    assert line[0] == "$(BIN)/pip-audit", line
    return [str(Path(sys.executable).with_name("pip-audit")), *line[1:]]


def test_the_audit_target_fails_on_what_it_cannot_check():
    assert "--strict" in _audit_command()


def test_the_audit_reads_every_locked_package_without_the_network():
    pins = {name.lower().replace("_", "-") for lock in LOCKS
            for name in PIN.findall(lock.read_text(encoding="utf-8"))}
    result = subprocess.run([*_audit_command(), "--dry-run"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    audited = re.search(r"would have audited (\d+) packages", result.stderr + result.stdout)
    assert audited, result.stderr
    assert int(audited[1]) == len(pins)
