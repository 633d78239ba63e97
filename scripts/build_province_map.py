"""Build onetouch/geo/data/province_map.json: the 34 provinces of the 2025 map as SVG paths.

No licensed boundary set of the 34 provinces was found, so the 63 pre-2025 provinces of
Open Development Mekong's "Địa phận tỉnh" (CC BY-SA 4.0; the set geoBoundaries publishes as
VNM ADM1) are dissolved by Resolution 202/2025/QH15, as legacy_provinces.csv maps them.
The merges of 2025 joined whole provinces, so the dissolve is exact.

It works on the TopoJSON of that set, whose arcs are shared by the two provinces they
divide: a province of 2025 keeps the arcs that only one of its old provinces uses, joined
into rings. Each arc is simplified once (Douglas-Peucker, its ends fixed), so neighbours
still meet without gaps. The archipelagos of Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa)
are drawn as dots (at their true size they could not be seen), Trường Sa shrunk into a box
nearer the coast. Plain Python: no GIS library, at build time or at run time.

    .venv/bin/python scripts/build_province_map.py diaphantinh.json

onetouch/geo/data/README.md says where the input comes from (and its SHA-256).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

from onetouch.text import fold

DATA = Path(__file__).resolve().parent.parent / "onetouch" / "geo" / "data"
OUTPUT = DATA / "province_map.json"
WIDTH = 400  # the viewBox width; the map is about 1.5 times as tall
WEST, EAST, SOUTH, NORTH = 102.1, 112.8, 8.35, 23.42  # Hoàng Sa included, Trường Sa boxed
MIDDLE_LATITUDE = 16.0  # an equirectangular projection true to scale here
LABEL_ROOM = 22  # viewBox units under the map, for the name of Trường Sa
TOLERANCE = 0.9  # Douglas-Peucker, in viewBox units (about 3.5 km)
SMALLEST_ISLAND = 3.0  # viewBox units squared; Phú Quốc, Côn Đảo, Cát Bà are kept
ARCHIPELAGO_EAST_OF = 110.5  # degrees: Hoàng Sa and Trường Sa lie east of it
DOT = 4  # an island of an archipelago, drawn as a square this wide
# Trường Sa (111.4-117 E, 6.9-11.5 N) shrunk into a box east of the southern coast.
TRUONG_SA_BOX = (109.55, 8.45, 112.75, 11.05)  # west, south, east, north in degrees
TRUONG_SA_SPAN = (111.3, 6.85, 117.1, 11.6)
# Two names of the source are misspelt; the rest fold to the legacy list's names.
MISSPELT = {"can thon": "can tho", "quan binh": "quang binh"}


def name_key(name: str) -> str:
    key = fold(name).replace("thanh pho ", "").replace("tp. ", "")
    key = " ".join(key.replace("-", " ").split())
    return MISSPELT.get(key, key)


def legacy_to_current() -> dict[str, str]:
    """Folded name of each pre-2025 province -> the code of its province of 2025."""
    text = (DATA / "legacy_provinces.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {name_key(row["legacy_name"]): row["current_code"] for row in rows}


class Projection:
    """Degrees -> viewBox units: x grows east, y grows south."""

    def __init__(self) -> None:
        self.scale = WIDTH / ((EAST - WEST) * math.cos(math.radians(MIDDLE_LATITUDE)))
        self.height = round((NORTH - SOUTH) * self.scale) + LABEL_ROOM

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - WEST) * math.cos(math.radians(MIDDLE_LATITUDE)) * self.scale
        return x, (NORTH - lat) * self.scale

    def boxed(self, lon: float, lat: float) -> tuple[float, float]:
        """A point of Trường Sa, moved into its box."""
        (w, s, e, n), (sw, ss, se, sn) = TRUONG_SA_BOX, TRUONG_SA_SPAN
        shrink = min((e - w) / (se - sw), (n - s) / (sn - ss))
        return self(w + (lon - sw) * shrink, s + (lat - ss) * shrink)


def decode_arcs(topology: dict) -> list[list[tuple[int, int]]]:
    """Each arc as absolute quantised points (the TopoJSON stores deltas)."""
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def polygons(geometry: dict) -> list[list[list[int]]]:
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]


def outer_arcs(rings: list[list[int]]) -> list[int]:
    """The arcs of a merged province: those used once among its old provinces' rings."""
    uses: dict[int, int] = defaultdict(int)
    for ring in rings:
        for arc in ring:
            uses[arc if arc >= 0 else ~arc] += 1
    return [arc for ring in rings for arc in ring if uses[arc if arc >= 0 else ~arc] == 1]


def stitch(refs: list[int], arcs: list[list[tuple[int, int]]]) -> list[list[int]]:
    """Join arcs, each in the direction its ring took it, into closed rings of arc refs."""
    def points(ref):
        return arcs[ref] if ref >= 0 else arcs[~ref][::-1]

    starting: dict[tuple[int, int], list[int]] = defaultdict(list)
    for ref in refs:
        starting[points(ref)[0]].append(ref)
    rings, left = [], set(refs)
    for first in refs:
        if first not in left:
            continue
        ring, ref = [], first
        while ref in left:
            left.discard(ref)
            ring.append(ref)
            ref = next((r for r in starting[points(ref)[-1]] if r in left), first)
        rings.append(ring)
    return rings


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker with the ends kept; a closed arc is split at its farthest point."""
    if points[0] == points[-1] and len(points) > 3:
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        return simplify(points[:far + 1], tolerance)[:-1] + simplify(points[far:], tolerance)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, distance = _farthest(points, first, last)
        if distance > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def _farthest(points, first: int, last: int) -> tuple[int, float]:
    (ax, ay), (bx, by) = points[first], points[last]
    length = math.hypot(bx - ax, by - ay)
    best, distance = first, 0.0
    for i in range(first + 1, last):
        px, py = points[i]
        d = (abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length if length
             else math.hypot(px - ax, py - ay))
        if d > distance:
            best, distance = i, d
    return best, distance


def area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                   in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def ring_path(ring: list[tuple[int, int]]) -> str:
    """An SVG subpath: the first point absolute, the others relative, integers."""
    (x, y), steps = ring[0], []
    for nx, ny in ring[1:]:
        steps.append(f"{nx - x} {ny - y}".replace(" -", "-"))
        x, y = nx, ny
    return f"M{ring[0][0]} {ring[0][1]}l" + " ".join(steps).replace(" -", "-") + "z"


def rounded(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    ring: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), round(y))
        if not ring or ring[-1] != point:
            ring.append(point)
    while len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def dots(centres: list[tuple[float, float]]) -> str:
    """An archipelago: a square per island, one per cell of the grid they fall in."""
    seen, parts = set(), []
    for x, y in centres:
        cell = (round(x / (DOT * 1.5)), round(y / (DOT * 1.5)))
        if cell not in seen:
            seen.add(cell)
            parts.append(f"M{x - DOT / 2:.0f} {y - DOT / 2:.0f}h{DOT}v{DOT}h-{DOT}z")
    return "".join(parts)


class Builder:
    def __init__(self, topology: dict) -> None:
        self.topology = topology
        self.project = Projection()
        self.quantised = decode_arcs(topology)
        sx, sy = topology["transform"]["scale"]
        tx, ty = topology["transform"]["translate"]
        self.degrees = [[(x * sx + tx, y * sy + ty) for x, y in arc] for arc in self.quantised]
        self.simplified: dict[int, list[tuple[float, float]]] = {}

    def arc(self, ref: int) -> list[tuple[float, float]]:
        index = ref if ref >= 0 else ~ref
        if index not in self.simplified:
            projected = [self.project(*point) for point in self.degrees[index]]
            self.simplified[index] = simplify(projected, TOLERANCE)
        return self.simplified[index] if ref >= 0 else self.simplified[index][::-1]

    def groups(self) -> dict[str, list[list[int]]]:
        """The rings of the old provinces, gathered by their province of 2025."""
        current = legacy_to_current()
        grouped: dict[str, list[list[int]]] = defaultdict(list)
        for geometry in self.topology["objects"]["diaphantinh"]["geometries"]:
            code = current[name_key(geometry["properties"]["ten_tinh"])]
            for polygon in polygons(geometry):
                grouped[code].extend(polygon)
        return grouped

    def province(self, rings: list[list[int]]) -> str:
        path, archipelago = [], []
        for ring in stitch(outer_arcs(rings), self.quantised):
            lon = min(self.degrees[r if r >= 0 else ~r][0][0] for r in ring)
            if lon > ARCHIPELAGO_EAST_OF:
                archipelago.append(self._centre(ring))
                continue
            points = rounded([point for ref in ring for point in self.arc(ref)[:-1]])
            if len(points) > 2 and area(points) >= SMALLEST_ISLAND:
                path.append(ring_path(points))
        return "".join(path) + dots(archipelago)

    def _centre(self, ring: list[int]) -> tuple[float, float]:
        points = [point for ref in ring for point in self.degrees[ref if ref >= 0 else ~ref]]
        lon = sum(p[0] for p in points) / len(points)
        lat = sum(p[1] for p in points) / len(points)
        # Trường Sa lies south of 12.1° N, Hoàng Sa north of 15.7° N.
        return self.project.boxed(lon, lat) if lat < 14 else self.project(lon, lat)


def layout(project: Projection) -> dict:
    """Where the boxes and names of the archipelagos go, in viewBox units."""
    west, south, east, north = TRUONG_SA_BOX
    x1, y1 = project(west, north)
    x2, y2 = project(east, south)
    hoang_sa = project(110.9, 17.35)
    return {"truong_sa_box": [round(x1), round(y1), round(x2 - x1), round(y2 - y1)],
            "truong_sa_label": [round(x1), round(y2) + LABEL_ROOM - 5],
            "hoang_sa_label": [round(hoang_sa[0]), round(hoang_sa[1])]}


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text("utf-8"))
    builder = Builder(topology)
    provinces = {code: builder.province(rings)
                 for code, rings in sorted(builder.groups().items())}
    if len(provinces) != 34:
        raise SystemExit(f"expected the 34 provinces of 2025, got {sorted(provinces)}")
    document = {"viewBox": [0, 0, WIDTH, builder.project.height], **layout(builder.project),
                "provinces": provinces}
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n",
                      "utf-8")
    size = sum(len(d) for d in provinces.values())
    print(f"{OUTPUT.name}: 34 provinces, {size:,} bytes of paths")


if __name__ == "__main__":
    main(sys.argv[1])
