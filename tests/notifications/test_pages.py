"""The notifications page (own messages only, read only by POST), the unread count in the
header, and the choice of channels."""

from __future__ import annotations

from onetouch.accounts.models import User
from onetouch.extensions import db
from onetouch.notifications import outbox
from onetouch.notifications.models import Channel, ChannelChoice
from tests.notifications.conftest import assign, rows


def notify_reset(app, user_id: int) -> None:
    with app.app_context():
        outbox.password_reset(db.session.get(User, user_id), session=db.session)
        db.session.commit()


def test_the_page_lists_own_messages_and_the_header_counts_unread(app, make_user, login,
                                                                 synced_library):
    admin = make_user(role="ministry_admin")
    official = make_user(audience="commune_official", confirmed_days_ago=5)
    other = make_user(audience="citizen")
    assign(app, admin)
    notify_reset(app, other)
    client = login(app.test_client(), official)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Khóa học bắt buộc mới" in page
    assert "Mật khẩu của bạn vừa được đặt lại" not in page  # someone else's
    assert 'class="badge" aria-label="1 chưa đọc">1</span>' in page
    client.get("/notifications")  # reading the page marks nothing read
    assert [row.read_at for row in rows(app, user_id=official, channel=Channel.IN_APP)] == [None]
    assert client.post("/notifications/read").status_code == 302
    assert rows(app, user_id=official, channel=Channel.IN_APP)[0].read_at is not None
    page = client.get("/notifications").get_data(as_text=True)
    assert 'class="badge"' not in page


def test_marking_one_read_touches_only_ones_own(app, make_user, login):
    learner = make_user()
    other = make_user()
    notify_reset(app, learner)
    notify_reset(app, other)
    [theirs] = rows(app, user_id=other, channel=Channel.IN_APP)
    client = login(app.test_client(), learner)
    assert client.post("/notifications/read", data={"id": theirs.id}).status_code == 302
    assert rows(app, user_id=other, channel=Channel.IN_APP)[0].read_at is None
    [mine] = rows(app, user_id=learner, channel=Channel.IN_APP)
    client.post("/notifications/read", data={"id": mine.id})
    assert rows(app, user_id=learner, channel=Channel.IN_APP)[0].read_at is not None
    assert client.post("/notifications/read", data={"id": "abc"}).status_code == 400


def test_anonymous_pages_ask_nothing_and_the_page_needs_a_login(app, queries):
    client = app.test_client()
    with queries() as seen:
        client.get("/courses")
    assert not [each for each in seen if "notifications" in each]
    assert client.get("/notifications").status_code == 302


def test_channels_are_chosen_on_the_settings_page(app, make_user, login):
    learner = make_user(email="chon@example.vn")
    client = login(app.test_client(), learner)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert '<input checked id="email" name="email" type="checkbox" value="y">' in page
    assert '<input checked id="sms" name="sms" type="checkbox" value="y">' in page
    response = client.post("/notifications/settings", data={"sms": "y"})
    assert response.status_code == 302
    with app.app_context():
        choice = db.session.get(ChannelChoice, learner)
        assert (choice.email, choice.sms) == (False, True)
    notify_reset(app, learner)
    assert {row.channel for row in rows(app, user_id=learner)} == {Channel.IN_APP, Channel.SMS}


def test_the_profile_leads_to_the_choice_of_channels(app, make_user, login):
    client = login(app.test_client(), make_user())
    assert 'href="/notifications/settings"' in client.get("/profile").get_data(as_text=True)
