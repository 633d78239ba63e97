"""Certificates: issued once at completion, printable, verifiable by anyone, revocable."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from onetouch.certificates import services
from onetouch.certificates.models import Certificate
from onetouch.extensions import db
from onetouch.learning.models import Enrolment
from tests.fixtures.certificates import NAME
from tests.fixtures.courses import edit


def test_completing_the_course_issues_one_certificate(client, app, certified):
    _, certificate = certified
    assert re.match(r"^OT-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", certificate.number)
    assert len(certificate.token) >= 22  # at least 128 random bits, URL-safe
    assert certificate.learner_name == NAME
    assert certificate.course_title == "Khóa học mẫu về dịch vụ công"
    page = client.get("/my/certificates").get_data(as_text=True)
    assert certificate.number in page
    assert certificate.number in client.get("/my/learning").get_data(as_text=True)


def test_the_pdf_keeps_the_vietnamese_name(client, certified):
    _, certificate = certified
    response = client.get(f"/my/certificates/{certificate.number}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = unicodedata.normalize("NFC", page.extract_text())
    for expected in (NAME, "Khóa học mẫu về dịch vụ công", certificate.number,
                     "Nền tảng OneTouch", "CHỨNG CHỈ"):
        assert expected in text


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="poppler-utils and zbar-tools are needed (.ci/run installs them)")
def test_the_qr_code_opens_the_verify_page(client, certified, tmp_path):
    _, certificate = certified
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(f"/my/certificates/{certificate.number}/pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert decoded == f"http://localhost/verify/{certificate.token}"
    assert client.get(decoded.removeprefix("http://localhost")).status_code == 200


def test_anyone_can_verify_with_a_masked_name(app, certified):
    _, certificate = certified
    visitor = app.test_client()
    page = visitor.get(f"/verify/{certificate.token}").get_data(as_text=True)
    assert "Chứng chỉ hợp lệ." in page
    assert "Nguyễn T. Á. T." in page
    assert NAME not in page
    by_number = visitor.get("/verify", query_string={"number": certificate.number.lower()})
    assert "Chứng chỉ hợp lệ." in by_number.get_data(as_text=True)
    data = visitor.get(f"/api/v1/certificates/{certificate.token}").get_json()
    assert data["status"] == "valid"
    assert data["certificate"]["learner"] == "Nguyễn T. Á. T."
    assert data["certificate"]["number"] == certificate.number


@pytest.mark.parametrize("token", ["A" * 32, "short", "not a token at all", "%3Cscript%3E"])
def test_unknown_and_malformed_tokens_look_the_same(app, certified, token):
    client = app.test_client()  # a visitor
    def main(response) -> str:  # the page less its footer, which echoes the address asked
        page = response.get_data(as_text=True)
        return page[page.index("<main"):page.index("</main>")]

    unknown = client.get(f"/verify/{'B' * 32}")
    other = client.get(f"/verify/{token}")
    assert (other.status_code, main(other)) == (unknown.status_code, main(unknown))
    assert other.status_code == 404
    api_unknown = client.get(f"/api/v1/certificates/{'B' * 32}")
    api_other = client.get(f"/api/v1/certificates/{token}")
    assert (api_other.status_code, api_other.get_json()) == (404, {"status": "not_found"})
    assert api_unknown.get_json() == api_other.get_json()


def _credential(client, certificate, tmp_path):
    response = client.get(f"/my/certificates/{certificate.number}/credential.json")
    assert response.status_code == 200
    path = tmp_path / "credential.json"
    path.write_bytes(response.data)
    return path


def test_revocation_shows_on_the_page_in_json_and_in_the_list(app, client, runner, certified,
                                                              make_user, login, tmp_path):
    _, certificate = certified
    credential = _credential(client, certificate, tmp_path)
    admin = login(app.test_client(), make_user(role="ministry_admin"))
    found = admin.get("/admin/certificates", query_string={"number": certificate.number})
    assert NAME in found.get_data(as_text=True)
    response = admin.post(f"/admin/certificates/{certificate.id}/revoke",
                          data={"reason": "Gian lận khi làm bài thi"})
    assert response.status_code == 302
    page = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
    assert "Chứng chỉ đã bị thu hồi" in page
    assert "Gian lận khi làm bài thi" in page
    data = client.get(f"/api/v1/certificates/{certificate.token}").get_json()
    assert data["status"] == "revoked"
    assert data["revocation"]["reason"] == "Gian lận khi làm bài thi"
    listing = client.get("/certificates/revocations.json").get_json()
    assert [entry["number"] for entry in listing["revoked"]] == [certificate.number]
    revocations = tmp_path / "revocations.json"
    revocations.write_text(json.dumps(listing))
    result = runner.invoke(args=["certificates", "verify", str(credential), "--revocations",
                                 str(revocations)])
    assert (result.exit_code, result.stdout.strip()) == (1, "revoked")
    mine = client.get("/my/certificates").get_data(as_text=True)
    assert "Chứng chỉ này đã bị thu hồi" in mine
    text = PdfReader(io.BytesIO(client.get(
        f"/my/certificates/{certificate.number}/pdf").data)).pages[0].extract_text()
    assert "ĐÃ BỊ THU HỒI" in unicodedata.normalize("NFC", text)
    with app.app_context():
        row = db.session.get(Certificate, certificate.id)
        assert row.revoked_by_id is not None
        assert row.revoked_at is not None


def test_revocation_needs_a_reason_and_a_ministry_admin(app, certified, make_user, login):
    _, certificate = certified
    learner = login(app.test_client(), make_user(province="79"))
    assert learner.post(f"/admin/certificates/{certificate.id}/revoke",
                        data={"reason": "không thích"}).status_code == 403
    admin = login(app.test_client(), make_user(role="ministry_admin"))
    response = admin.post(f"/admin/certificates/{certificate.id}/revoke", data={"reason": ""},
                          follow_redirects=True)
    assert "Hãy ghi rõ lý do thu hồi." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_a_tampered_revocation_list_is_refused(client, runner, certified, tmp_path):
    _, certificate = certified
    credential = _credential(client, certificate, tmp_path)
    listing = client.get("/certificates/revocations.json").get_json()
    listing["revoked"].append({"id": "x", "number": "OT-2026-0000-0000"})
    revocations = tmp_path / "revocations.json"
    revocations.write_text(json.dumps(listing))
    result = runner.invoke(args=["certificates", "verify", str(credential), "--revocations",
                                 str(revocations)])
    assert result.exit_code == 1
    assert "not signed by this key" in result.output


def test_other_learners_cannot_fetch_my_certificate(app, certified, make_user, login):
    _, certificate = certified
    other = login(app.test_client(), make_user(province="79"))
    for suffix in ("", "/pdf", "/credential.json"):
        assert other.get(f"/my/certificates/{certificate.number}{suffix}").status_code == 404


def test_backfill_issues_missing_certificates_once(app, runner, certified):
    _, certificate = certified
    with app.app_context():
        db.session.delete(db.session.get(Certificate, certificate.id))
        db.session.commit()
    first = runner.invoke(args=["certificates", "backfill"])
    assert first.output.strip() == "1 certificate(s) issued"
    second = runner.invoke(args=["certificates", "backfill"])
    assert second.output.strip() == "0 certificate(s) issued"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_name_with_html_is_shown_as_text_everywhere(client, make_user, login, factories,
                                                      synced_library):
    name = '<script>alert("x")</script> Lê <b>Văn</b> Tám'
    user = make_user(full_name=name)
    login(client, user)
    certificate = factories.issue_certificate(user)
    number, token = certificate.number, certificate.token
    pages = [client.get(url).get_data(as_text=True) for url in (
        "/my/certificates", f"/my/certificates/{number}", f"/verify/{token}", "/profile",
        "/my/learning")]
    for page in pages:
        assert "<script>alert" not in page
        assert "<b>Văn</b>" not in page
    assert "&lt;script&gt;alert" in pages[1]
    assert client.get(f"/api/v1/certificates/{token}").get_json()["certificate"]["learner"] \
        .startswith('<script>alert("x")</script>')
    text = PdfReader(io.BytesIO(client.get(f"/my/certificates/{number}/pdf").data)) \
        .pages[0].extract_text()
    assert "<b>Văn</b>" in unicodedata.normalize("NFC", text)  # printed as the text it is


def test_number_typing_mistakes_are_forgiven():
    assert services.normalise_number(" ot-2026-7k3f-q9xd ") == "OT-2026-7K3F-Q9XD"
    assert services.normalise_number("OT-2026-7K3F-Q9XO") == "OT-2026-7K3F-Q9X0"
    assert services.mask_name("Nguyễn Văn An") == "Nguyễn V. A."
    assert services.mask_name("Tâm") == "T."


def test_courses_without_certificates_issue_none(app, library, synced_library, make_user,
                                                 factories):
    edit(library / "mau-khoa-hoc" / "course.yml", "certificate: true", "certificate: false")
    synced_library()
    factories.complete_course(make_user())
    with app.app_context():
        assert db.session.scalar(select(Enrolment.completed_at)) is not None
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
