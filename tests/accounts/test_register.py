"""Registration through the form: the 2025 map, consent, and every bad input refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from onetouch.accounts.models import AudienceGroup, User
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD, first_commune


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def valid(app) -> dict:
    with app.app_context():
        commune = first_commune("01")
    return {"full_name": "Nguyễn Thị Lan", "phone": "0987 654 321", "email": "",
            "province_code": "01", "commune_code": commune, "audience": "citizen",
            "position": "", "password": PASSWORD, "confirm": PASSWORD, "consent": "y"}


def test_register_creates_the_account_and_logs_in(client, app, valid):
    response = client.post("/register", data=valid)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/learning"
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.phone == "+84987654321"
        assert user.full_name == "Nguyễn Thị Lan"
        assert user.audience is AudienceGroup.CITIZEN
        assert user.consent_at is not None
        assert user.password_hash.startswith("$argon2id$")
    assert "Nguyễn Thị Lan" in client.get("/my/learning").get_data(as_text=True)


def test_register_page_works_without_javascript(client, app):
    page = client.get("/register").get_data(as_text=True)
    assert 'name="choose_province"' in page  # the no-JavaScript way to load communes
    assert "Phường Hoàn Kiếm" not in page
    chosen = client.post("/register", data={"province_code": "01", "full_name": "Lan",
                                            "choose_province": "1"})
    assert chosen.status_code == 200
    html = chosen.get_data(as_text=True)
    assert "Phường Hoàn Kiếm" in html  # the communes of Hà Nội
    assert 'value="Lan"' in html  # what was typed stays
    assert count_users(app) == 0


def test_communes_json_for_the_one_step_enhancement(client):
    data = client.get("/api/v1/provinces/01/communes").get_json()
    assert {"code": "00004", "name": "Phường Ba Đình"} in data["communes"] or data["communes"]
    assert client.get("/api/v1/provinces/99/communes").status_code == 404


BAD = {
    "duplicate phone": ({"phone": "0912000001"}, "Số điện thoại này đã được đăng ký."),
    "same phone, other format": ({"phone": "+84 912 000 001"},
                                 "Số điện thoại này đã được đăng ký."),
    "same phone, country code without +": ({"phone": "84912000001"},
                                           "Số điện thoại này đã được đăng ký."),
    "duplicate e-mail in other case": ({"phone": "", "email": "Lan@Example.ORG"},
                                       "Email này đã được đăng ký."),
    "short password": ({"password": "ab12", "confirm": "ab12"}, "ít nhất 8 ký tự"),
    "common password": ({"password": "password123", "confirm": "password123"},
                        "quá phổ biến"),
    "common Vietnamese password": ({"password": "anhyeuem123", "confirm": "anhyeuem123"},
                                   "quá phổ biến"),
    "passwords differ": ({"confirm": PASSWORD + "x"}, "Hai mật khẩu không giống nhau."),
    "commune of another province": ({"province_code": "79"},
                                    "Xã, phường đã chọn không thuộc tỉnh, thành phố đã chọn."),
    "no commune": ({"commune_code": ""}, "Hãy chọn xã, phường"),
    "missing consent": ({"consent": ""}, "Cần có sự đồng ý xử lý dữ liệu cá nhân"),
    "not a mobile number": ({"phone": "024 3825 1234"}, "Số điện thoại di động không hợp lệ."),
    "no phone and no e-mail": ({"phone": "", "email": ""},
                               "Hãy nhập số điện thoại di động hoặc email."),
    "bad e-mail": ({"phone": "", "email": "lan@"}, "Email không hợp lệ."),
    "official without position": ({"audience": "commune_official", "position": ""},
                                  "Cán bộ cấp xã vui lòng cho biết chức vụ."),
    "no name": ({"full_name": "  "}, "Vui lòng điền mục này."),
}


@pytest.mark.parametrize(("changes", "message"), BAD.values(), ids=BAD.keys())
def test_bad_input_gets_a_clear_message_and_saves_nothing(client, app, make_user, valid,
                                                          changes, message):
    make_user(phone="+84912000001", email="lan@example.org")
    before = count_users(app)
    response = client.post("/register", data={**valid, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_users(app) == before


def test_service_rejects_a_race_on_the_same_phone(app, make_user):
    """Two registrations that pass the pre-check at once: the unique index decides."""
    from onetouch.accounts.services import AccountError, Registration, register

    make_user(phone="+84912000009")
    with app.app_context():
        data = Registration(full_name="B", phone="0912000009", password=PASSWORD,
                            province_code="01", commune_code=first_commune("01"),
                            audience=AudienceGroup.CITIZEN, consent=True)
        with pytest.raises(AccountError) as caught:
            register(db.session, data)
        assert caught.value.field == "phone"
