"""An optional birth year on the profile and the assisted sign-up: checked, kept, never shown
publicly, and in the learner's own data export."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.core.clock import today
from onetouch.extensions import db
from tests.accounts.test_assisted import citizen_form


def profile_form(app, user_id: int, **changes) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        return {"full_name": user.full_name, "phone": "0" + user.phone.removeprefix("+84"),
                "email": "", "province_code": user.province_code,
                "commune_code": user.commune_code, "audience": user.audience.value,
                "position": user.position or "", **changes}


def birth_year(app, user_id: int) -> int | None:
    with app.app_context():
        return db.session.get(User, user_id).birth_year


def test_the_profile_keeps_a_birth_year_and_refuses_a_wrong_one(app, client, make_user, login):
    learner = make_user()
    login(client, learner)
    assert client.post("/profile", data=profile_form(app, learner, birth_year="1956")
                       ).status_code == 302
    assert birth_year(app, learner) == 1956
    for wrong, message in (("1899", "Năm sinh phải từ 1900"),
                           (str(today().year + 1), "Năm sinh phải từ 1900"),
                           ("năm", "Năm sinh là bốn chữ số")):
        response = client.post("/profile", data=profile_form(app, learner, birth_year=wrong))
        assert response.status_code == 422, wrong
        assert message in response.get_data(as_text=True)
    assert birth_year(app, learner) == 1956
    assert client.post("/profile", data=profile_form(app, learner, birth_year="")
                       ).status_code == 302
    assert birth_year(app, learner) is None


def test_an_assisted_sign_up_may_give_a_birth_year(app, client, make_user, login):
    login(client, make_user(audience="digital_team", confirmed_days_ago=1))
    wrong = client.post("/assist/register", data=citizen_form(app, birth_year="1800"))
    assert wrong.status_code == 422
    assert client.post("/assist/register", data=citizen_form(app, birth_year=str(
        today().year))).status_code == 302
    with app.app_context():
        helped = db.session.scalar(select(User).where(User.phone == "+84987000111"))
        assert helped.birth_year == today().year


def test_the_birth_year_is_in_the_own_export_and_not_shown_to_others(
        app, client, make_user, login):
    team = make_user(audience="digital_team", confirmed_days_ago=1)
    helped = make_user(assisted_by=team)
    with app.app_context():
        db.session.get(User, helped).birth_year = 1948
        db.session.commit()
    login(client, team)
    assert "1948" not in client.get("/assist").get_data(as_text=True)
    login(client, helped)
    exported = client.get("/profile/data.json")
    assert exported.status_code == 200
    assert json.loads(exported.get_data(as_text=True))["account"]["birth_year"] == 1948


def test_the_province_page_counts_age_groups_without_years(app, make_user, login):
    year = today().year
    for born in (year - 20, year - 35, year - 70, year - 71, year - 80):
        person = make_user()
        with app.app_context():
            db.session.get(User, person).birth_year = born
            db.session.commit()
    southern = make_user(province="79")
    with app.app_context():
        db.session.get(User, southern).birth_year = year - 20
        db.session.commit()
    admin = login(app.test_client(), make_user(role="province_admin", role_province="01"))
    page = admin.get("/stats/provinces/01").get_data(as_text=True)
    section = page[page.index('id="ages"'):page.index("theo tuần</h2>")]
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', section)
    assert cells == [("Dưới 30 tuổi", "1"), ("30–44 tuổi", "1"), ("45–59 tuổi", "0"),
                     ("60–74 tuổi", "2"), ("Từ 75 tuổi", "1"), ("Tổng", "5")]
    assert str(year - 80) not in section
