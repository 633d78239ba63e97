"""Derive onetouch/geo/data/commune_legacy_provinces.csv: each 2025 commune's pre-2025 province.

Most communes of the 2025 map kept the code of one of the communes merged into them. This
script looks each code up in the pre-2025 list of communes shipped by vietnam-provinces
0.6.0 and takes that commune's province; it refuses any result that disagrees with the
province mapping of Resolution 202/2025/QH15 (legacy_provinces.csv). Codes that are new are
listed by hand in MANUAL below.

    python3 -m venv /tmp/vp-old && /tmp/vp-old/bin/pip install vietnam-provinces==0.6.0
    .venv/bin/python scripts/derive_commune_legacy.py /tmp/vp-old
"""

from __future__ import annotations

import csv
import glob
import json
import sys
from pathlib import Path

from vietnam_provinces import Ward

DATA = Path(__file__).resolve().parent.parent / "onetouch" / "geo" / "data"
# New codes: island districts that became special zones, and wards of a province with
# one obvious predecessor.
MANUAL = {
    3980: 14,  # Phường Mộc Châu: Sơn La
    11948: 31,  # Đặc khu Bạch Long Vĩ: Hải Phòng
    19742: 45,  # Đặc khu Cồn Cỏ: Quảng Trị
    20333: 48,  # Đặc khu Hoàng Sa: Đà Nẵng
    21548: 51,  # Đặc khu Lý Sơn: Quảng Ngãi
    26732: 77,  # Đặc khu Côn Đảo: Bà Rịa - Vũng Tàu
    26929: 79,  # Phường Bình Thạnh: TP. Hồ Chí Minh
    27226: 79,  # Phường Phú Thọ: TP. Hồ Chí Minh
    27232: 79,  # Phường Bình Thới: TP. Hồ Chí Minh
    27367: 79,  # Phường Bình Tây: TP. Hồ Chí Minh
    27373: 79,  # Phường Bình Tiên: TP. Hồ Chí Minh
}


def main(old_venv: str) -> None:
    [flat] = glob.glob(f"{old_venv}/lib/python3*/site-packages/vietnam_provinces/data/"
                       "flat-divisions.json")
    old = {row["ward_code"]: row["province_code"] for row in json.loads(Path(flat).read_text())}
    lines = (line for line in (DATA / "legacy_provinces.csv").read_text().splitlines()
             if line and not line.startswith("#"))
    successor = {int(row["legacy_code"]): int(row["current_code"]) for row in csv.DictReader(lines)}
    rows = []
    for ward in Ward.iter_all():
        code, province = int(ward.code), int(ward.province_code)
        legacy = MANUAL.get(code, old.get(code))
        if legacy is None or successor[legacy] != province:
            raise SystemExit(f"{code} {ward.name}: no consistent pre-2025 province")
        rows.append((f"{code:05d}", f"{legacy:02d}"))
    with (DATA / "commune_legacy_provinces.csv").open("w", newline="") as handle:
        handle.write("# Each commune of the 2025 map and the pre-2025 province it lies in.\n"
                     "# Derived by scripts/derive_commune_legacy.py (see its docstring):\n"
                     "# the commune's code in the pre-2025 list of vietnam-provinces 0.6.0,\n"
                     "# checked against Resolution 202/2025/QH15; 11 new codes set by hand.\n")
        writer = csv.writer(handle)
        writer.writerow(["commune_code", "legacy_code"])
        writer.writerows(sorted(rows))
    print(f"{len(rows)} communes, {len(MANUAL)} by hand")


if __name__ == "__main__":
    main(sys.argv[1])
