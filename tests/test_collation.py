"""Vietnamese collation: every list of places and names people read is in dictionary order
(ICU's Vietnamese rules), places sorted by their name without the word for their kind."""

from __future__ import annotations

import re

import pytest

from onetouch.extensions import db
from onetouch.geo.services import communes_of, provinces
from onetouch.stats import queries
from onetouch.stats.filters import parse
from onetouch.text import collation_key, place_key, place_name, sorted_names, sorted_places


def in_order(names: list[str]) -> bool:
    return names == sorted(names, key=place_key)


@pytest.mark.parametrize(("before", "after"), [
    ("Cà Mau", "Cao Bằng"),          # the tone weighs less than the next letter
    ("Dương", "Đà Nẵng"),            # đ is a letter after d
    ("Duy", "Đà"),
    ("An Giang", "Ăn"),              # a < ă < â
    ("Ăn", "Ấp"),
    ("Ô Môn", "Ơ"),                  # o < ô < ơ
    ("Ung", "Ưng"),                  # u < ư
    ("Gia Lai", "Hà Tĩnh"),
    ("hà", "Hà"),                    # case weighs last: lower before upper
])
def test_vietnamese_letter_order(before, after):
    assert collation_key(before) < collation_key(after)


def test_decomposed_and_composed_text_sort_alike():
    composed = "Đắk Lắk"
    decomposed = "\u0110a\u0306\u0301k La\u0306\u0301k"
    assert collation_key(composed) == collation_key(decomposed)


@pytest.mark.parametrize(("full", "name"), [
    ("Thành phố Hà Nội", "Hà Nội"), ("Tỉnh Lào Cai", "Lào Cai"), ("Phường Ba Đình", "Ba Đình"),
    ("Xã Tân Lập", "Tân Lập"), ("Đặc khu Phú Quốc", "Phú Quốc"), ("Thị xã Sơn Tây", "Sơn Tây"),
    ("Cà Mau", "Cà Mau"), ("Xã", "Xã"), ("Thành Phố", "Thành Phố"),
])
def test_a_place_sorts_without_its_kind(full, name):
    assert place_name(full) == name


def test_hanoi_sorts_under_h():
    names = ["Thành phố Hồ Chí Minh", "Thành phố Hà Nội", "Hà Tĩnh", "Gia Lai", "Hưng Yên",
             "Tây Ninh", "Thành phố Đà Nẵng", "Đồng Nai", "Cà Mau", "Cao Bằng"]
    assert [p for p in sorted_places(names, name=str)] == [
        "Cà Mau", "Cao Bằng", "Thành phố Đà Nẵng", "Đồng Nai", "Gia Lai", "Thành phố Hà Nội",
        "Hà Tĩnh", "Thành phố Hồ Chí Minh", "Hưng Yên", "Tây Ninh"]


def test_same_name_of_two_kinds_keeps_a_fixed_order():
    assert sorted_places(["Xã Tân Lập", "Phường Tân Lập"], name=str) == [
        "Phường Tân Lập", "Xã Tân Lập"]


def test_people_are_sorted_by_the_whole_name():
    people = ["Đỗ Văn An", "Dương Thị Bình", "Bùi Lan", "Âu Cơ", "An Nhiên"]
    assert sorted_names(people, name=str) == [
        "An Nhiên", "Âu Cơ", "Bùi Lan", "Dương Thị Bình", "Đỗ Văn An"]


def test_the_34_provinces_are_in_vietnamese_order(session):
    names = [p.name for p in provinces(db.session)]
    assert len(names) == 34
    assert in_order(names)
    assert names.index("Cà Mau") < names.index("Cao Bằng")
    assert names.index("Thành phố Hà Nội") < names.index("Hà Tĩnh")
    assert names.index("Gia Lai") < names.index("Thành phố Hà Nội")
    assert names.index("Đồng Tháp") < names.index("Gia Lai")  # Đ after D, not at the end
    assert names[-1] == "Vĩnh Long"


def test_communes_are_in_vietnamese_order(session):
    names = [c.name for c in communes_of(db.session, "01")]
    assert in_order(names)
    assert names[0].split(" ", 1)[1].startswith(("A", "Ă", "Â", "B"))


def test_register_form_lists_provinces_in_order(client):
    page = client.get("/register").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="province_code".*?</select>', page, re.S).group(0)
    shown = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select_html)
    assert len(shown) == 34
    assert in_order(shown)


def test_api_communes_are_in_order(client):
    found = client.get("/api/v1/provinces/79/communes").get_json()["communes"]
    assert in_order([c["name"] for c in found])


@pytest.mark.parametrize("scheme", ["2025", "legacy"])
def test_statistics_tables_are_in_order(session, scheme):
    rows = queries.by_area(db.session, parse({"scheme": scheme})).rows
    assert in_order([row.name for row in rows])
    communes = queries.by_commune(db.session, "01", parse({})).rows
    assert in_order([row.name for row in communes])
