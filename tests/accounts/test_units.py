"""Phone normalisation and the password policy."""

from __future__ import annotations

import pytest

from onetouch.accounts import passwords
from onetouch.accounts.phone import display_phone, normalise_phone


@pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "0912.345.678", "+84912345678",
                                 "+84 912 345 678", "84912345678", "(091) 234-5678"])
def test_every_usual_form_of_a_number_is_one_number(raw):
    assert normalise_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "12345", "02438251234", "0112345678", "091234567",
                                 "09123456789", "+1 415 555 0100", "số điện thoại"])
def test_not_a_vietnamese_mobile_number(raw):
    assert normalise_phone(raw) is None


def test_display_form():
    assert display_phone("+84912345678") == "0912 345 678"


def test_hash_uses_argon2id_with_owasp_parameters():
    hashed = passwords.hash_password("Trau-Vang!Song-Hong-27")
    assert hashed.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in hashed
    assert passwords.verify_password(hashed, "Trau-Vang!Song-Hong-27")
    assert not passwords.verify_password(hashed, "Trau-Vang!Song-Hong-28")
    assert not passwords.verify_password("not a hash", "x")


def test_a_served_app_hashes_at_the_owasp_parameters_and_only_tests_cheaply(tmp_path):
    from onetouch import create_app
    from tests.fixtures.apps import make_config

    config = make_config(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    for testing, parameters in ((False, "m=19456,t=2,p=1"), (True, "m=8,t=1,p=1")):
        with create_app({**config, "TESTING": testing}).app_context():
            hashed = passwords.hash_password("Trau-Vang!Song-Hong-27")
            assert hashed.startswith("$argon2id$")
            assert parameters in hashed
            assert passwords.verify_password(hashed, "Trau-Vang!Song-Hong-27")


@pytest.mark.parametrize(("password", "expected"), [
    ("ngan1", "ít nhất 8 ký tự"),
    ("password123", "quá phổ biến"),
    ("iloveyou", "quá phổ biến"),
    ("matkhau123", "quá phổ biến"),
    ("MậtKhẩu123", "quá phổ biến"),
    ("88888888", "quá phổ biến"),
    ("aaaaaaaaaaab", "quá đơn giản"),
    ("toi-la-0912345678", "không được chứa số điện thoại"),
])
def test_bad_passwords_are_refused_with_a_reason(password, expected):
    problem = passwords.password_problem(password, "+84912345678", "lan@example.org")
    assert problem is not None
    assert expected in problem


def test_a_good_passphrase_passes():
    assert passwords.password_problem("Trau-Vang!Song-Hong-27", "+84912345678") is None
