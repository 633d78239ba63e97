"""scripts/build_province_map.py: two old provinces that share a border become one outline
without it; every name of the source finds its province; borders keep their corners."""

from __future__ import annotations

import importlib.util
import re

import pytest

from tests.live import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "build_province_map.py"
# Every name of the source set (Open Development Mekong), as it spells them.
SOURCE_NAMES = [
    "An Giang", "Bà Rịa -Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơn", "Cao Bằng",
    "Đà Nẵng", "Đăk Lăk", "Đăk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kien Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quản Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "TP. Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
]


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_province_map", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def two_squares(left: str, right: str) -> dict:
    """Two provinces side by side, 0.2° square each, sharing the arc between them (arc 0)."""
    def geometry(name, ring):
        return {"type": "Polygon", "arcs": [ring], "properties": {"ten_tinh": name}}

    return {"type": "Topology",
            "transform": {"scale": [0.01, 0.01], "translate": [107.0, 15.0]},
            "arcs": [[[20, 0], [0, 20]],  # the shared border, south to north
                     [[20, 20], [-10, 0], [-10, 0], [0, -20], [20, 0]],  # left: N, W, S
                     [[20, 0], [20, 0], [0, 20], [-20, 0]]],  # right: S, E, N
            "objects": {"diaphantinh": {"type": "GeometryCollection", "geometries": [
                geometry(left, [1, 0]), geometry(right, [2, ~0])]}}}


def test_two_provinces_merged_in_2025_become_one_outline_without_their_border(build):
    builder = build.Builder(two_squares("Quảng Nam", "Đà Nẵng"))
    groups = builder.groups()
    assert list(groups) == ["48"]  # both became Thành phố Đà Nẵng
    assert build.outer_arcs(groups["48"]) == [1, 2]
    assert build.stitch([1, 2], builder.quantised) == [[1, 2]]
    path = builder.province(groups["48"])
    assert path.count("M") == 1
    steps = [int(n) for n in re.findall(r"-?\d+", path.split("l")[1])]
    # Four corners and the two ends of the old border, which stay put; the point midway on
    # the north side of the left square is simplified away.
    assert len(steps) // 2 + 1 == 6, path


def test_provinces_kept_apart_keep_their_border(build):
    builder = build.Builder(two_squares("Thanh Hóa", "Nghệ An"))
    groups = builder.groups()
    assert sorted(groups) == ["38", "40"]
    for rings in groups.values():
        assert build.outer_arcs(rings) == [arc for ring in rings for arc in ring]


def test_every_name_of_the_source_finds_its_province_of_2025(build):
    current = build.legacy_to_current()
    assert len(current) == 63
    found = {build.name_key(name) for name in SOURCE_NAMES}
    assert found == set(current)
    assert len(set(current.values())) == 34


def test_a_closed_island_keeps_its_shape(build):
    square = [(0, 0), (10, 0), (10, 5), (10, 10), (0, 10), (0, 0)]
    simplified = build.simplify(square, 0.9)
    assert simplified[0] == simplified[-1]
    assert set(simplified) == {(0, 0), (10, 0), (10, 10), (0, 10)}
    assert build.ring_path(build.rounded(simplified)) == "M0 0l10 0 0 10-10 0z"
