"""What static/js/read-aloud.js would read on a page, computed by the script itself under Node.

Speech cannot be tested without a browser and a voice; which texts the script builds can. The
page is parsed here with the standard library and handed to the script as a tree of plain
objects (tests/js/reading_list.js). Tests that need it are skipped when Node is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "onetouch" / "static" / "js" / "read-aloud.js"
HARNESS = ROOT / "tests" / "js" / "reading_list.js"
NODE = shutil.which("node")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = {"tag": "document", "attrs": {}, "children": []}
        self.open = [self.root]

    def handle_starttag(self, tag, attrs) -> None:
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "children": []}
        self.open[-1]["children"].append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth]["tag"] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data) -> None:
        self.open[-1]["children"].append(data)


def tree(html: str) -> dict:
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.root


def node(*args: str, stdin: str = "") -> str:
    done = subprocess.run([NODE, *args], input=stdin, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def texts(html: str) -> list[str]:
    """The texts the script reads aloud on this page, in order."""
    return json.loads(node(str(HARNESS), str(SCRIPT), stdin=json.dumps(tree(html))))
