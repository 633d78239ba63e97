"""The outlines of the 34 provinces, as SVG paths drawn ahead of time (data/province_map.json,
made by scripts/build_province_map.py; data/README.md gives its source and licence)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

MAP_FILE = "province_map.json"


@dataclass(frozen=True)
class ProvinceMap:
    view_box: tuple[int, int, int, int]
    paths: dict[str, str]  # province code (2025) -> SVG path data
    truong_sa_box: tuple[int, int, int, int]  # x, y, width, height of Trường Sa's box
    truong_sa_label: tuple[int, int]
    hoang_sa_label: tuple[int, int]


@cache
def province_map() -> ProvinceMap:
    """Read once a process: about 10 KB that never change while it runs."""
    text = resources.files("onetouch.geo").joinpath("data", MAP_FILE).read_text("utf-8")
    data = json.loads(text)
    return ProvinceMap(tuple(data["viewBox"]), data["provinces"], tuple(data["truong_sa_box"]),
                       tuple(data["truong_sa_label"]), tuple(data["hoang_sa_label"]))
