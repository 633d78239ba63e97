"""The commune chooser searched by name without accents, without JavaScript: the search goes
with the province button and the server narrows the list (register, profile, assisted)."""

from __future__ import annotations

import re

from sqlalchemy import select

from onetouch.extensions import db
from onetouch.geo.models import Commune
from onetouch.geo.services import communes_of, matching_communes
from onetouch.text import fold
from tests.accounts.test_assisted import citizen_form


def options(page: str) -> list[str]:
    select_html = page[page.index('name="commune_code"'):]
    select_html = select_html[:select_html.index("</select>")]
    return [code for code in re.findall(r'<option[^>]*value="([^"]*)"', select_html) if code]


def hoan_kiem(app) -> Commune:
    with app.app_context():
        return db.session.scalar(select(Commune).where(Commune.name == "Phường Hoàn Kiếm"))


def test_matching_ignores_accents_and_case(app):
    with app.app_context():
        communes = communes_of(db.session, "01")
        found = matching_communes(communes, "hoan kiem")
        assert [c.name for c in found] == ["Phường Hoàn Kiếm"]
        assert matching_communes(communes, "HOÀN KIẾM") == found
        assert matching_communes(communes, "kiem hoan") == found  # words in any order
        dong = matching_communes(communes, "dong")
        assert dong
        assert all("dong" in fold(c.name) for c in dong)
        assert matching_communes(communes, "   ") == []


def test_register_narrows_the_list_without_javascript(app, client):
    commune = hoan_kiem(app)
    page = client.post("/register", data={"province_code": "01", "choose_province": "1",
                                          "commune_search": "hoan kiem"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert options(text) == [commune.code]
    assert re.search(rf'<option selected value="{commune.code}"|value="{commune.code}" selected',
                     text)


def test_a_search_with_several_matches_lists_them_all(app, client):
    with app.app_context():
        expected = [c.code for c in matching_communes(communes_of(db.session, "01"), "dong")]
    page = client.post("/register", data={"province_code": "01", "choose_province": "1",
                                          "commune_search": "dong"}).get_data(as_text=True)
    assert len(expected) > 1
    assert options(page) == expected


def test_no_match_says_so_and_keeps_every_commune(app, client):
    with app.app_context():
        every = len(communes_of(db.session, "01"))
    page = client.post("/register", data={"province_code": "01", "choose_province": "1",
                                          "commune_search": "zzzz"}).get_data(as_text=True)
    assert "Không tìm thấy xã, phường nào" in page
    assert len(options(page)) == every


def test_profile_and_assisted_sign_up_search_too(app, client, make_user, login):
    commune = hoan_kiem(app)
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    login(client, team)
    for path in ("/profile", "/assist/register"):
        page = client.post(path, data={"province_code": "01", "choose_province": "1",
                                       "commune_search": "Hoan Kiem"}).get_data(as_text=True)
        assert options(page) == [commune.code], path


def test_a_registration_with_a_search_left_in_the_form_still_registers(app, client):
    form = citizen_form(app, commune_search="zzzz")
    assert client.post("/register", data=form).status_code == 302
