"""Withdrawing consent and deleting the account: after the password again, at once, logged;
the person's fields are anonymised while every statistic and the status of the certificate
stay as they were, and the certificate's public answers no longer name anyone."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from onetouch.accounts.models import Consent, User, UserSession
from onetouch.audit.models import Action, AuditEntry
from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from onetouch.privacy.erasure import DELETED_NAME
from onetouch.stats.keys import GRAINS
from tests.fixtures.users import PASSWORD
from tests.privacy.conftest import EMAIL, NAME, POSITION

CONFIRMED = {"reason": "request", "understood": "y"}
ISSUED_TO_NOBODY = "Cấp cho một người học đã xóa tài khoản"


def _statistics(app, client) -> dict:
    """Every rollup row, the API's figures per province, and the recount's verdict."""
    with app.app_context():
        rows = {grain.table: sorted(map(tuple, db.session.execute(
            text(f"SELECT * FROM {grain.table}")).all()), key=repr)  # noqa: S608 (our names)
            for grain in GRAINS}
    rows["api"] = client.get("/api/v1/stats/provinces").get_json()
    result = app.test_cli_runner().invoke(args=["stats", "check"])
    rows["check"] = (result.exit_code, result.output)
    return rows


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_deleting_anonymises_the_account_and_keeps_every_count(app, client, learner,
                                                              security_events):
    before = _statistics(app, client)
    assert before["check"][0] == 0, before["check"]
    old_phone = _user(app, learner.id).phone

    response = client.post("/profile/delete", data=CONFIRMED)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Tài khoản của bạn đã được xóa" in client.get("/").get_data(as_text=True)

    user = _user(app, learner.id)
    assert (user.full_name, user.phone, user.email, user.position) == (DELETED_NAME, None,
                                                                         None, None)
    assert user.search_name == "tai khoan da xoa"  # the folded name goes with the name
    assert user.deleted_at is not None
    assert not user.is_active
    assert user.password_hash != PASSWORD
    assert "argon2" not in user.password_hash
    with app.app_context():
        assert db.session.scalars(select(UserSession).where(
            UserSession.user_id == learner.id)).all() == []
        consents = db.session.scalars(select(Consent).where(
            Consent.user_id == learner.id)).all()
        assert consents
        assert all(c.withdrawn_at is not None for c in consents)
        certificate = db.session.scalar(select(Certificate).where(
            Certificate.number == learner.certificate_number))
        assert (certificate.revoked_at, certificate.learner_name) == (None, "")
        names = " ".join(db.session.scalars(select(AuditEntry.target_name)))
        assert NAME not in names
        deleted = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == Action.ACCOUNT_DELETED))
        assert (deleted.target_id, deleted.province_code) == (learner.id, "01")
    assert _statistics(app, client) == before
    assert {"event": "account_deleted", "user": learner.id, "reason": "request"}.items() <= next(
        e for e in security_events if e["event"] == "account_deleted").items()

    # The session ended, and the old identifier and password open nothing.
    assert client.get("/my/learning").headers["Location"].startswith("/login")
    refused = client.post("/login", data={"identifier": old_phone, "password": PASSWORD})
    assert refused.status_code == 422


def test_the_certificate_of_a_deleted_account_answers_without_a_name(app, client, learner):
    masked = client.get(f"/verify/{learner.certificate_token}").get_data(as_text=True)
    assert "Phạm T. H. N." in masked
    client.post("/profile/delete", data=CONFIRMED)

    for path in (f"/verify/{learner.certificate_token}",
                 f"/verify?number={learner.certificate_number}"):
        page = client.get(path)
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Chứng chỉ hợp lệ." in body
        assert ISSUED_TO_NOBODY in body
        assert "Phạm" not in body
    answer = client.get(f"/api/v1/certificates/{learner.certificate_token}").get_json()
    assert answer["status"] == "valid"
    assert (answer["certificate"]["learner"], answer["certificate"]["learner_deleted"]) == (
        None, True)
    assert NAME.split()[0] not in json.dumps(answer, ensure_ascii=False)


def test_no_credential_is_built_for_a_deleted_account(app, learner):
    from onetouch.certificates import publish

    with app.test_request_context():
        certificate = db.session.scalar(select(Certificate).where(
            Certificate.number == learner.certificate_number))
        assert NAME in json.dumps(publish.signed_credential(certificate), ensure_ascii=False)
        certificate.learner_name = ""  # as the deletion leaves it
        try:
            publish.signed_credential(certificate)
        except publish.NoLearner:
            pass
        else:
            raise AssertionError("a credential was built for a deleted account")
        db.session.rollback()


def test_withdrawing_consent_deletes_the_account_after_a_clear_warning(app, client, learner):
    page = client.get("/profile/delete").get_data(as_text=True)
    for warning in ("Việc này không thể hoàn tác.", "rút lại sự đồng ý cũng là xóa tài khoản",
                    "Chứng chỉ đã cấp vẫn có hiệu lực"):
        assert warning.lower() in page.lower(), warning
    unconfirmed = client.post("/profile/delete", data={"reason": "withdrawal"})
    assert unconfirmed.status_code == 422
    assert "Vui lòng đánh dấu ô này để xác nhận." in unconfirmed.get_data(as_text=True)
    assert _user(app, learner.id).deleted_at is None

    client.post("/profile/delete", data={"reason": "withdrawal", "understood": "y"})
    assert _user(app, learner.id).deleted_at is not None
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == Action.ACCOUNT_DELETED))
        assert entry.details == "Người dùng rút lại sự đồng ý xử lý dữ liệu cá nhân"


def test_deleting_needs_the_password_again(app, client, learner, later):
    later(minutes=6)  # past REAUTH_MINUTES since the log-in, within the idle time
    asked = client.post("/profile/delete", data=CONFIRMED)
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/reauth?next=/profile/delete"
    assert _user(app, learner.id).deleted_at is None

    wrong = client.post("/reauth?next=/profile/delete", data={"current_password": "sai-roi"})
    assert wrong.status_code == 422
    assert client.post("/profile/delete", data=CONFIRMED).headers["Location"].startswith(
        "/reauth")
    again = client.post("/reauth?next=/profile/delete", data={"current_password": PASSWORD})
    assert again.headers["Location"] == "/profile/delete"
    assert client.post("/profile/delete", data=CONFIRMED).headers["Location"] == "/"
    assert _user(app, learner.id).deleted_at is not None


def test_an_administrator_is_told_to_have_the_roles_revoked_first(app, client, make_user,
                                                                  login):
    admin = make_user(role="province_admin", role_province="01", email="qt@example.vn")
    login(client, admin)
    page = client.get("/profile/delete").get_data(as_text=True)
    assert "thu hồi vai trò trước khi xóa tài khoản" in page
    refused = client.post("/profile/delete", data=CONFIRMED)
    assert refused.status_code == 422
    user = _user(app, admin)
    assert (user.deleted_at, user.email) == (None, "qt@example.vn")


def test_a_helper_s_list_shows_a_deleted_account_without_its_name(app, client, learner,
                                                                  login):
    client.post("/profile/delete", data=CONFIRMED)
    login(client, learner.helper)
    page = client.get("/assist").get_data(as_text=True)
    assert "Tài khoản đã xóa" in page
    assert NAME not in page
    assert EMAIL not in page
    assert POSITION not in page
