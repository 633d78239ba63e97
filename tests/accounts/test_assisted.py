"""Community digital technology team members sign citizens up, and it is counted."""

from __future__ import annotations

from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.extensions import db
from tests.fixtures.users import first_commune


def citizen_form(app, **changes) -> dict:
    with app.app_context():
        commune = first_commune("01")
    return {"full_name": "Bà Nguyễn Thị Tư", "phone": "0987000111", "email": "",
            "province_code": "01", "commune_code": commune, "audience": "citizen",
            "position": "", "password": "Lua-Chin!Dong-Xanh-88",
            "confirm": "Lua-Chin!Dong-Xanh-88", "consent": "y", **changes}


def test_team_member_registers_a_citizen_and_stays_themselves(client, app, make_user, login):
    team_member = make_user(audience="digital_team", confirmed_days_ago=1, full_name="Anh Tổ Viên")
    login(client, team_member)
    form = client.get("/assist/register").get_data(as_text=True)
    assert "Người dân đã đồng ý" in form
    response = client.post("/assist/register", data=citizen_form(app))
    assert response.status_code == 302
    assert response.headers["Location"] == "/assist"
    with app.app_context():
        citizen = db.session.scalar(select(User).where(User.phone == "+84987000111"))
        assert citizen.assisted_by_id == team_member
        assert citizen.consent_at is not None
    listing = client.get("/assist").get_data(as_text=True)
    assert "Bà Nguyễn Thị Tư" in listing
    assert "Anh Tổ Viên" in client.get("/my/learning").get_data(as_text=True)
    assert client.post("/login", data={"identifier": "0987000111",
                                       "password": "Lua-Chin!Dong-Xanh-88"}).status_code == 302


def test_assisted_sign_up_needs_the_citizens_consent(client, app, make_user, login):
    login(client, make_user(audience="digital_team", confirmed_days_ago=1))
    response = client.post("/assist/register", data=citizen_form(app, consent=""))
    assert response.status_code == 422
    assert "Cần có sự đồng ý" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.phone == "+84987000111")) is None


