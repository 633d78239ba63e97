"""The certificate API gives days as RFC 3339 full-dates, with the printed form beside them;
the verify page goes on printing days as the certificate does."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from onetouch.certificates.models import Certificate
from onetouch.extensions import db

# 30 November 2026, 17:30 UTC is already 1 December in Việt Nam (UTC+7).
ISSUED = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
REVOKED = datetime(2027, 1, 2, 1, 0, tzinfo=UTC)


def _set_times(app, certificate_id: int, **times) -> None:
    with app.app_context():
        db.session.execute(update(Certificate).where(Certificate.id == certificate_id)
                           .values(**times))
        db.session.commit()


def test_the_api_gives_the_day_in_viet_nam_as_a_full_date(app, client, certified):
    _, certificate = certified
    _set_times(app, certificate.id, issued_at=ISSUED)
    answer = client.get(f"/api/v1/certificates/{certificate.token}").get_json()
    assert answer["status"] == "valid"
    assert answer["certificate"]["issued_on"] == "2026-12-01"
    assert answer["certificate"]["issued_on_display"] == "01/12/2026"
    assert "revocation" not in answer


def test_a_revocation_date_too(app, client, certified, factories, make_user):
    _, certificate = certified
    factories.revoke_certificate(certificate.id, make_user(role="ministry_admin"), "Sai tên")
    _set_times(app, certificate.id, issued_at=ISSUED, revoked_at=REVOKED)
    answer = client.get(f"/api/v1/certificates/{certificate.token}").get_json()
    assert answer["revocation"] == {"date": "2027-01-02", "date_display": "02/01/2027",
                                    "reason": "Sai tên"}
    assert answer["certificate"]["issued_on"] == "2026-12-01"


def test_the_verify_page_still_prints_days_as_the_certificate(app, client, certified,
                                                               factories, make_user):
    _, certificate = certified
    factories.revoke_certificate(certificate.id, make_user(role="ministry_admin"), "Sai tên")
    _set_times(app, certificate.id, issued_at=ISSUED, revoked_at=REVOKED)
    page = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
    assert "<dd>01/12/2026</dd>" in page
    assert "02/01/2027" in page
    assert "2026-12-01" not in page
    assert "2027-01-02" not in page
