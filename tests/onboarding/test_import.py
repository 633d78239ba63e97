"""Bulk onboarding through /admin/import: preview, import, the same file twice, encodings and
XLSX, refused files, the province scope, ambiguous commune names, the sign-in codes."""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
import time
import unicodedata
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from onetouch.accounts.models import AudienceGroup, ResetCode, User
from onetouch.audit.models import Action, AuditEntry
from onetouch.extensions import db
from onetouch.learning.models import Enrolment
from onetouch.onboarding import services
from onetouch.onboarding.models import ImportUpload

HEADER = ["Họ và tên", "Số điện thoại", "Email", "Xã, phường (mã hoặc tên)", "Nhóm đối tượng",
          "Chức vụ"]
ROWS = [
    ["Nguyễn Văn An", "0912 345 001", "", "Phường Ba Đình", "Cán bộ, lãnh đạo cấp xã",
     "Chủ tịch UBND"],
    ["Trần Thị Bình", "", "binh@example.vn", "00070", "nguoi dan", ""],
    ["Lê Văn Cường", "0912 345 003", "", "ba dinh", "commune_official", ""],  # no position
    ["Phạm Thị Dung", "12345", "", "Phường Ba Đình", "citizen", ""],  # bad phone
    ["Hoàng Văn Em", "0912 345 005", "", "Xã Không Có", "citizen", ""],
]
NEW = "Song-Da!Nui-Tan-Vien-31"


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    if encoding == "cp1258":
        return b"".join(windows_1258(char) for char in buffer.getvalue())
    return buffer.getvalue().encode(encoding)


def windows_1258(char: str) -> bytes:
    """As Excel writes it: a precomposed letter where the code page has one ("ê"), the tone
    as a combining mark after it ("ệ" is "ê" and the dot below)."""
    base, *marks = unicodedata.normalize("NFD", char)
    for order in itertools.permutations(marks):
        for cut in range(len(order), -1, -1):
            try:
                return (unicodedata.normalize("NFC", base + "".join(order[:cut]))
                        .encode("cp1258") + "".join(order[cut:]).encode("cp1258"))
            except UnicodeEncodeError:
                continue
    raise AssertionError(char)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    body = io.BytesIO()
    book.save(body)
    return body.getvalue()


def upload(client, data: bytes, name: str = "danh-sach.csv", province: str = "01"):
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # it never closes.
    boundary, body = encode_multipart({"province_code": province, "csrf_token": token(client),
                                       "file": FileStorage(io.BytesIO(data), name)})
    return client.post("/admin/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def token(client) -> str:
    page = client.get("/admin/import").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def preview_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    return response.headers["Location"]


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def report(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:600]
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def province_admin(make_user, login, client):
    admin = make_user(role="province_admin", role_province="01")
    login(client, admin)
    return admin


def test_preview_then_import(app, client, make_user, login, synced):
    admin = province_admin(make_user, login, client)
    make_user(phone="+84912345005", full_name="Đã Có")  # matches row 6 by phone
    users_before = count(app, User)
    page = client.get(preview_url(upload(client, csv_bytes(ROWS)))).get_data(as_text=True)
    assert "Tài khoản mới: 2" in page
    assert "Đã đăng ký (khớp số điện thoại hoặc email): 1" in page
    assert "Dòng lỗi (sẽ bỏ qua): 2" in page
    assert "Cán bộ cấp xã cần có chức vụ." in page
    assert "Số điện thoại di động không hợp lệ." in page
    assert count(app, User) == users_before  # nothing written before the confirmation
    confirm = preview_url(upload(client, csv_bytes(ROWS))) + "/confirm"
    lines = report(client.post(confirm, data={"courses": "mau-khoa-hoc"}))
    assert [line["Kết quả"] for line in lines] == ["Tài khoản mới", "Tài khoản mới", "Lỗi",
                                                   "Lỗi", "Đã đăng ký"]
    code = lines[0]["Mã đăng nhập lần đầu"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", code)
    with app.app_context():
        an = db.session.scalar(select(User).where(User.phone == "+84912345001"))
        assert an.audience is AudienceGroup.COMMUNE_OFFICIAL
        assert an.official_confirmed_by_id == admin
        assert an.official_confirmed_at is not None
        assert an.commune_code == "00004"
        assert an.privacy_version is None
        binh = db.session.scalar(select(User).where(User.email == "binh@example.vn"))
        assert binh.official_confirmed_at is None
        assert binh.commune_code == "00070"
    assert count(app, User) == users_before + 2
    assert count(app, Enrolment) == 3  # the two new ones and the one already registered
    entries = count(app, AuditEntry, AuditEntry.action == Action.BULK_IMPORT)
    assert entries == 1
    # No password until the owner sets one; then the code from the report is the way in.
    refused = app.test_client().post("/login", data={"identifier": "0912345001",
                                                     "password": "!imported"})
    assert refused.status_code == 422
    visitor = app.test_client()
    done = visitor.post("/password/code", data={"identifier": "0912345001", "code": code,
                                                "new_password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert login(visitor, an.id, password=NEW)


def test_the_same_file_twice_changes_nothing(app, client, make_user, login, synced):
    province_admin(make_user, login, client)
    data = csv_bytes(ROWS[:2])
    report(client.post(preview_url(upload(client, data)) + "/confirm",
                       data={"courses": "mau-khoa-hoc"}))
    before = [count(app, m) for m in (User, Enrolment, ResetCode)]
    again = report(client.post(preview_url(upload(client, data)) + "/confirm",
                               data={"courses": "mau-khoa-hoc"}))
    assert [line["Kết quả"] for line in again] == ["Đã đăng ký", "Đã đăng ký"]
    assert all(not line["Mã đăng nhập lần đầu"] for line in again)
    assert [count(app, m) for m in (User, Enrolment, ResetCode)] == before


def test_an_upload_is_imported_once(app, client, make_user, login):
    province_admin(make_user, login, client)
    confirm = preview_url(upload(client, csv_bytes(ROWS[:1]))) + "/confirm"
    report(client.post(confirm))
    assert client.post(confirm).status_code == 302  # back to the form, with a message
    assert count(app, AuditEntry, AuditEntry.action == Action.BULK_IMPORT) == 1


def test_two_confirms_at_the_same_moment_import_once(app, client, make_user, login,
                                                     monkeypatch):
    """Two clicks (two tabs) on "confirm" at once: both pass the view's checks before either
    commits; the upload row's lock lets one import and refuses the other with a message."""
    admin = province_admin(make_user, login, client)
    other = login(app.test_client(), admin)
    users_before = count(app, User)
    confirm = preview_url(upload(client, csv_bytes(ROWS[:2]))) + "/confirm"
    slow_import = services.import_rows

    def import_rows(*args, **kwargs):  # long enough for the other request to reach the lock
        time.sleep(0.3)
        return slow_import(*args, **kwargs)

    monkeypatch.setattr(services, "import_rows", import_rows)
    start = threading.Barrier(2)
    answers = []

    def click(browser):
        start.wait()
        answers.append((browser, browser.post(confirm)))

    threads = [threading.Thread(target=click, args=(b,)) for b in (client, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answer.status_code for _, answer in answers) == [200, 302]
    [done] = [answer for _, answer in answers if answer.status_code == 200]
    assert [line["Kết quả"] for line in report(done)] == ["Tài khoản mới", "Tài khoản mới"]
    [browser] = [browser for browser, answer in answers if answer.status_code == 302]
    assert "Tệp này đã được nhập rồi." in browser.get("/admin/import").get_data(as_text=True)
    assert count(app, User) == users_before + 2
    assert count(app, ResetCode) == 2
    assert count(app, AuditEntry, AuditEntry.action == Action.BULK_IMPORT) == 1


def test_encodings_and_xlsx(app, client, make_user, login):
    province_admin(make_user, login, client)
    rows = [["Đặng Thị Hồng", "0912 345 101", "", "Phường Ba Đình", "Người dân", ""]]
    for data, name in ((csv_bytes(rows, encoding="utf-8-sig"), "bom.csv"),
                       (csv_bytes(rows, encoding="cp1258"), "windows.csv"),
                       (xlsx_bytes(rows), "bang.xlsx")):
        page = client.get(preview_url(upload(client, data, name))).get_data(as_text=True)
        assert "Đặng Thị Hồng" in page, name
        assert "Phường Ba Đình" in page, name
        assert "Tài khoản mới: 1" in page, name


def test_an_xlsx_phone_typed_as_a_number(app, client, make_user, login):
    province_admin(make_user, login, client)
    data = xlsx_bytes([["Vũ Văn Số", 912345201, "", 4, "citizen", ""]])
    page = client.get(preview_url(upload(client, data, "so.xlsx"))).get_data(as_text=True)
    assert "Tài khoản mới: 1" in page
    assert "0912 345 201" in page


def test_bad_files_get_one_message_each_and_write_nothing(app, client, make_user, login):
    province_admin(make_user, login, client)
    many = "\n".join(["Họ và tên,Số điện thoại,Email,Xã,Nhóm đối tượng,Chức vụ"]
                     + [f"Người {i},,n{i}@example.vn,00004,citizen," for i in range(100_000)])
    for data, name, message in (
        (b"", "trong.csv", "Tệp trống"),
        (csv_bytes([]), "chi-tieu-de.csv", "Tệp trống"),
        (csv_bytes(ROWS, header=["Tên", "Điện thoại"]), "cot.csv", "Tệp thiếu cột"),
        ("\ufeffHọ và tên".encode("utf-16"), "utf16.csv", "UTF-16"),
        (bytes(range(256)) * 4, "nhi-phan.csv", "Không đọc được tệp"),
        (b"PK\x03\x04 not a workbook", "hong.xlsx", "Không mở được tệp XLSX"),
        (csv_bytes([["=HYPERLINK(\"x\")", "", "a@b.vn", "00004", "citizen", ""]]), "ct.csv",
         "công thức"),
        (xlsx_bytes([["An", "", "a@b.vn", "=1+1", "citizen", ""]]), "ct.xlsx", "công thức"),
        (many.encode(), "lon.csv", "hơn 20.000 dòng"),
    ):
        response = upload(client, data, name)
        assert response.status_code == 422, name
        assert message in response.get_data(as_text=True), name
    assert count(app, ImportUpload) == 0


def test_province_admins_import_into_their_province_only(app, client, make_user, login):
    province_admin(make_user, login, client)
    assert upload(client, csv_bytes(ROWS), province="79").status_code == 422
    minister = make_user(role="ministry_admin")
    ministry = login(app.test_client(), minister)
    theirs = preview_url(upload(ministry, csv_bytes(ROWS[:1]), province="79"))
    assert client.get(theirs).status_code == 403
    assert client.post(theirs + "/confirm").status_code == 403
    learner = login(app.test_client(), make_user())
    assert learner.get("/admin/import").status_code == 403
    assert count(app, AuditEntry, AuditEntry.action == Action.BULK_IMPORT) == 0


def test_an_ambiguous_commune_name_is_chosen(app, client, make_user, login):
    login(client, make_user(role="province_admin", role_province="79"))
    rows = [["Mai Văn Giáp", "0912 345 301", "", "thanh an", "citizen", ""],
            ["Mai Văn Ất", "0912 345 302", "", "Xã Thạnh An", "citizen", ""]]
    url = preview_url(upload(client, csv_bytes(rows), province="79"))
    page = client.get(url).get_data(as_text=True)
    assert 'name="commune_2"' in page
    assert "Xã Thanh An" in page
    assert "Xã Thạnh An" in page
    assert 'name="commune_3"' not in page  # spelt with its accents: one commune
    lines = report(client.post(url + "/confirm", data={"commune_2": "25807"}))
    assert [line["Xã, phường"] for line in lines] == ["Xã Thanh An", "Xã Thạnh An"]


def test_the_template_downloads(app, client, make_user, login):
    province_admin(make_user, login, client)
    text = client.get("/admin/import/template.csv").get_data(as_text=True)
    assert text.startswith("\ufeffHọ và tên,Số điện thoại,Email")
    xlsx = client.get("/admin/import/template.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.data.startswith(b"PK")
    # The template, filled in, is accepted as it is.
    page = client.get(preview_url(upload(client, xlsx.data, "mau.xlsx"))).get_data(as_text=True)
    assert "Tài khoản mới: 1" in page


def test_uploads_left_unconfirmed_go_after_a_day(app, client, make_user, login):
    province_admin(make_user, login, client)
    stale = preview_url(upload(client, csv_bytes(ROWS[:1])))
    with app.app_context():
        old = db.session.scalar(select(ImportUpload))
        old.created_at = old.created_at - timedelta(hours=25)
        db.session.commit()
    assert client.get(stale).status_code == 404
    preview_url(upload(client, csv_bytes(ROWS[1:2])))
    assert count(app, ImportUpload) == 1


def test_an_import_that_fails_midway_writes_nothing(app, client, make_user, login,
                                                    monkeypatch):
    province_admin(make_user, login, client)
    confirm = preview_url(upload(client, csv_bytes(ROWS[:2]))) + "/confirm"
    users = count(app, User)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services.codes, "issue_many", broken)
    with pytest.raises(RuntimeError):
        client.post(confirm)
    assert count(app, User) == users
    assert count(app, AuditEntry, AuditEntry.action == Action.BULK_IMPORT) == 0
    assert count(app, ImportUpload, ImportUpload.confirmed_at.is_not(None)) == 0
