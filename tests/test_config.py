"""The application factory and where configuration comes from."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from onetouch import create_app
from onetouch.config import DEFAULTS, ConfigError
from tests.fixtures.apps import TEST_SIGNING_KEY

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    """An empty instance folder and an environment with no OneTouch settings in it."""
    folder = tmp_path / "instance"
    for name in list(os.environ):
        if name.startswith("ONETOUCH_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("ONETOUCH_INSTANCE_PATH", str(folder))
    return folder


def test_test_config_is_applied(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'db.sqlite3'}"


def test_defaults_use_sqlite_in_the_instance_folder(instance):
    app = create_app()
    assert not app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'onetouch.sqlite3'}"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "vi"


def test_secret_key_is_generated_once_and_kept_private(instance):
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 64
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert list(instance.glob(".secret_key*")) == []


def test_instance_config_overrides_defaults(instance):
    instance.mkdir()
    (instance / "config.py").write_text('BABEL_DEFAULT_TIMEZONE = "UTC"\nCUSTOM = "file"\n')
    app = create_app()
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "UTC"
    assert app.config["CUSTOM"] == "file"


def test_environment_overrides_instance_config(instance, monkeypatch):
    instance.mkdir()
    (instance / "config.py").write_text('CUSTOM = "file"\nSECRET_KEY = "f" * 40\n')
    monkeypatch.setenv("ONETOUCH_CUSTOM", "environment")
    monkeypatch.setenv("ONETOUCH_SECRET_KEY", "e" * 40)
    app = create_app()
    assert app.config["CUSTOM"] == "environment"
    assert app.config["SECRET_KEY"] == "e" * 40
    assert not (instance / "secret_key").exists()


def test_database_url_and_its_prefixed_form(instance, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("plain.sqlite3")
    monkeypatch.setenv("ONETOUCH_DATABASE_URL", f"sqlite:///{tmp_path / 'prefixed.sqlite3'}")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].endswith("prefixed.sqlite3")


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgresql_urls_use_psycopg_3(instance, monkeypatch, scheme):
    monkeypatch.setenv("DATABASE_URL", f"{scheme}://user:pw@db.example/onetouch")
    monkeypatch.setenv("ONETOUCH_SECRET_KEY", "s" * 64)
    monkeypatch.setenv("ONETOUCH_CREDENTIAL_SIGNING_KEY", TEST_SIGNING_KEY)
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://user:pw@db.example/onetouch"


@pytest.mark.parametrize(("value", "threshold"), [(None, "default"), ("false", None)])
def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(
        instance, monkeypatch, value, threshold):
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:pw@db.example/onetouch")
    monkeypatch.setenv("ONETOUCH_SECRET_KEY", "s" * 64)
    monkeypatch.setenv("ONETOUCH_CREDENTIAL_SIGNING_KEY", TEST_SIGNING_KEY)
    if value:
        monkeypatch.setenv("ONETOUCH_DATABASE_PREPARED_STATEMENTS", value)
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert options.get("connect_args", {}).get("prepare_threshold", "default") == threshold
    assert "connect_args" not in DEFAULTS["SQLALCHEMY_ENGINE_OPTIONS"]


def test_prepared_statements_take_true_or_false(instance, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:pw@db.example/onetouch")
    monkeypatch.setenv("ONETOUCH_SECRET_KEY", "s" * 64)
    monkeypatch.setenv("ONETOUCH_CREDENTIAL_SIGNING_KEY", TEST_SIGNING_KEY)
    monkeypatch.setenv("ONETOUCH_DATABASE_PREPARED_STATEMENTS", "no")
    with pytest.raises(ConfigError, match="DATABASE_PREPARED_STATEMENTS must be true or false"):
        create_app()


@pytest.mark.parametrize("missing", ["SECRET_KEY", "CREDENTIAL_SIGNING_KEY"])
def test_servers_on_a_shared_database_take_their_keys_from_the_configuration(
        instance, monkeypatch, missing):
    """Each would otherwise make keys of its own: a session made on one server would be
    refused by the next, and credentials signed by one fail against another's key."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:pw@db.example/onetouch")
    given = {"SECRET_KEY": "s" * 64, "CREDENTIAL_SIGNING_KEY": TEST_SIGNING_KEY}
    for name, value in given.items():
        if name != missing:
            monkeypatch.setenv(f"ONETOUCH_{name}", value)
    with pytest.raises(ConfigError) as caught:
        create_app()
    assert f"set ONETOUCH_{missing}, the same on every server" in caught.value.message
    assert not (instance / "secret_key").exists()


def test_rate_limits_are_counted_in_a_file_of_the_instance_folder(instance):
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{instance / 'ratelimits.sqlite3'}"


def test_an_unknown_rate_limit_storage_stops_start_up(instance, monkeypatch):
    monkeypatch.setenv("ONETOUCH_RATELIMIT_STORAGE_URI", "carrier-pigeon://loft")
    # Said outright: the limiter is one object for the session, and it takes an app that does
    # not say as enabled as the last app it was bound to (the tests' apps disable it).
    monkeypatch.setenv("ONETOUCH_RATELIMIT_ENABLED", "true")
    with pytest.raises(ConfigError) as caught:
        create_app()
    assert caught.value.message.startswith("RATELIMIT_STORAGE_URI cannot be used")


@pytest.mark.slow  # a fresh interpreter
def test_create_app_leaves_the_heavy_libraries_to_the_requests_that_use_them(instance):
    """Exports, PDFs, signatures and the course library's readers load where they are used,
    not in every worker (benchmarks/README.md, "Memory")."""
    heavy = ["openpyxl", "fpdf", "segno", "PIL", "cryptography", "pyld", "lxml", "requests",
             "yaml", "markdown", "nh3", "vietnam_provinces"]
    code = ("import sys; from onetouch import create_app; create_app(); "
            f"print(sorted(set({heavy!r}) & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=os.environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://u:p@localhost/db", "scheme 'mysql'"),
        ("oracle://u:p@localhost/db", "scheme 'oracle'"),
        ("not a url", "not a database URL"),
    ],
)
def test_bad_database_url_stops_with_one_sentence(instance, monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as caught:
        create_app()
    assert expected in caught.value.message
    assert "\n" not in str(caught.value.code)


def test_unwritable_instance_folder_stops_start_up(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ONETOUCH_INSTANCE_PATH", str(blocker / "instance"))
    with pytest.raises(ConfigError) as caught:
        create_app()
    assert "instance folder" in caught.value.message
    assert "not a writable directory" in caught.value.message


def _flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ONETOUCH_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "onetouch", *args],
        env={**clean, **env}, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.slow  # the flask command in a process of its own
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://u:p@localhost/db"}, "does not support"),
        ({"ONETOUCH_INSTANCE_PATH": "/dev/null/instance"}, "not a writable directory"),
    ],
)
def test_cli_prints_one_clear_sentence_not_a_traceback(tmp_path, env, expected):
    env = {"ONETOUCH_INSTANCE_PATH": str(tmp_path / "instance"), **env}
    result = _flask(env, "geo", "load")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("OneTouch cannot start:")
    assert expected in lines[0]
