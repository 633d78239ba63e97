"""Every form tells all its problems in one answer: a summary at the top (role="alert") with a
link to each field, and each field marked aria-invalid and described by its message."""

from __future__ import annotations

import re

import pytest

from onetouch.accounts import services
from onetouch.accounts.models import AudienceGroup
from onetouch.extensions import db
from tests.fixtures.users import PASSWORD, first_commune


def summary(page: str) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the error summary."""
    box = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert box, "no error summary"
    return [(target, re.sub(r"\s+", " ", text).strip())
            for target, text in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', box.group(1),
                                           re.S)]


def field_tag(page: str, field_id: str) -> str:
    return re.search(rf'<(?:input|select)[^>]*\bid="{field_id}"[^>]*>', page).group(0)


@pytest.fixture
def four_problems(app, make_user) -> dict:
    """A sign-up with four problems of both kinds: two the form finds (no name, passwords that
    differ), two only the account rules find (a phone already registered, no consent)."""
    make_user(phone="+84912000001")
    with app.app_context():
        commune = first_commune("01")
    return {"full_name": "", "phone": "0912 000 001", "email": "", "province_code": "01",
            "commune_code": commune, "audience": "citizen", "position": "",
            "password": PASSWORD, "confirm": PASSWORD + "x", "consent": ""}


def test_four_problems_in_one_answer(client, four_problems):
    response = client.post("/register", data=four_problems)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    entries = summary(page)
    assert [target for target, _ in entries] == ["full_name", "phone", "confirm", "consent"]
    assert "Có 4 lỗi cần sửa" in page
    texts = " | ".join(text for _, text in entries)
    for message in ("Vui lòng điền mục này.", "Số điện thoại này đã được đăng ký.",
                    "Hai mật khẩu không giống nhau.", "Cần có sự đồng ý xử lý dữ liệu cá nhân"):
        assert message in texts
    for target, _ in entries:
        tag = field_tag(page, target)
        assert 'aria-invalid="true"' in tag
        assert f"{target}-error" in tag  # aria-describedby names the message under the field
        assert f'id="{target}-error"' in page


def test_a_field_the_form_found_wrong_is_told_once(client, four_problems):
    """No commune: the form's "please fill in" is not repeated by the rule's "choose one"."""
    page = client.post("/register", data={**four_problems, "commune_code": "",
                                          "province_code": ""}).get_data(as_text=True)
    targets = [target for target, _ in summary(page)]
    assert targets.count("commune_code") == 1
    assert "province_code" in targets


def test_the_rules_collect_every_problem(app, make_user):
    make_user(phone="+84912000002", email="lan@example.org")
    with app.app_context():
        data = services.Registration(
            full_name="Lan", phone="0912000002", email="LAN@example.org", password="ab",
            province_code="79", commune_code=first_commune("01"),
            audience=AudienceGroup.COMMUNE_OFFICIAL, consent=False)
        problems = services.registration_problems(db.session, data)
        assert [p.field for p in problems] == ["phone", "commune_code", "position", "password",
                                              "consent"]
        with pytest.raises(services.AccountError) as caught:
            services.register(db.session, data)
        assert caught.value.field == "phone"  # read as one error, it is the first
        assert len(caught.value.problems) == 5


def test_a_taken_email_is_found_behind_a_wrong_phone(app, make_user):
    make_user(phone="+84912000003", email="an@example.org")
    with app.app_context():
        data = services.Registration(
            full_name="An", phone="024 3825 1234", email="an@example.org", password=PASSWORD,
            province_code="01", commune_code=first_commune("01"),
            audience=AudienceGroup.CITIZEN, consent=True)
        fields = [p.field for p in services.registration_problems(db.session, data)]
        assert fields == ["phone", "email"]


def test_profile_shows_every_problem(app, client, make_user, login):
    login(client, make_user(phone="+84912000004"))
    make_user(phone="+84912000005")
    page = client.post("/profile", data={
        "full_name": "", "phone": "0912000005", "email": "", "province_code": "79",
        "commune_code": first_commune_of(app, "01"), "audience": "citizen",
        "position": ""}).get_data(as_text=True)
    assert [t for t, _ in summary(page)] == ["full_name", "phone", "commune_code"]


def first_commune_of(app, province: str) -> str:
    with app.app_context():
        return first_commune(province)


def test_login_errors_have_a_summary(client):
    response = client.post("/login", data={"identifier": "", "password": ""})
    assert response.status_code == 422
    assert [t for t, _ in summary(response.get_data(as_text=True))] == ["identifier",
                                                                        "password"]


def test_no_summary_without_errors(client):
    assert "error-summary" not in client.get("/register").get_data(as_text=True)
