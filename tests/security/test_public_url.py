"""Every absolute link starts with PUBLIC_URL, whatever Host the request names; production
refuses to start without it; a development server answers only to its own names."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from onetouch import create_app
from onetouch.config import ConfigError
from tests.fixtures.apps import make_config
from tests.live import PROJECT_ROOT, clean_env

PUBLIC = "https://onetouch.example"
FORGED = "evil.example"


def test_production_refuses_to_start_without_a_public_url(database_url):
    settings = make_config(database_url, TESTING=False)
    with pytest.raises(ConfigError, match="ONETOUCH_PUBLIC_URL is not set"):
        create_app(settings, production=True)
    served = create_app({**settings, "PUBLIC_URL": PUBLIC + "/"}, production=True)
    assert served.config["PUBLIC_URL"] == PUBLIC
    assert served.config["PRODUCTION"]
    assert served.config["TRUSTED_HOSTS"] is None  # Host decides nothing there


def test_debug_and_tests_are_not_production(database_url):
    assert not create_app(make_config(database_url), production=True).config["PRODUCTION"]
    debug = create_app(make_config(database_url, TESTING=False, DEBUG=True), production=True)
    assert not debug.config["PRODUCTION"]


@pytest.mark.parametrize("value", ["onetouch.example", "ftp://onetouch.example",
                                   "https://onetouch.example/mooc", "https://", "https://x?a=1"])
def test_a_public_url_that_is_not_an_origin_is_refused(database_url, value):
    with pytest.raises(ConfigError, match="is not an address"):
        create_app(make_config(database_url, PUBLIC_URL=value))


@pytest.mark.slow  # another interpreter
def test_the_wsgi_entry_point_refuses_in_one_sentence(tmp_path):
    env = clean_env(ONETOUCH_INSTANCE_PATH=str(tmp_path / "instance"))
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "OneTouch cannot start: ONETOUCH_PUBLIC_URL is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def public(app):
    """The test app with its public address, answering any Host (as production does)."""
    app.config["PUBLIC_URL"] = PUBLIC
    return app


def test_a_reset_link_ignores_the_host_header(public, make_user, caplog):
    make_user(email="lan@example.org")
    response = public.test_client().post("/password/forgot", data={"email": "lan@example.org"},
                                         headers={"Host": FORGED})
    assert response.status_code == 302
    mail = "\n".join(r.getMessage() for r in caplog.records if r.name == "onetouch.mail")
    assert f"{PUBLIC}/password/reset/" in mail
    assert FORGED not in mail


def test_credentials_and_status_lists_ignore_the_host_header(public, client, certified):
    _, certificate = certified
    # The same session, sent to the forged name (the test client keeps cookies per host).
    client.set_cookie("session", client.get_cookie("session").value, domain=FORGED)
    forged = {"Host": FORGED}
    for path in (f"/my/certificates/{certificate.number}/credential.json",
                 "/certificates/revocations.json", "/credentials/issuer", "/credentials/status/1",
                 f"/my/certificates/{certificate.number}"):
        response = client.get(path, headers=forged)
        assert response.status_code == 200, path
        assert FORGED not in response.get_data(as_text=True), path
    document = json.loads(client.get(f"/my/certificates/{certificate.number}/credential.json",
                                      headers=forged).data)
    assert document["id"].startswith(PUBLIC + "/verify/")
    assert document["issuer"]["id"] == f"{PUBLIC}/credentials/issuer"
    assert document["credentialStatus"]["statusListCredential"].startswith(PUBLIC)
    servers = client.get("/api/v1/openapi.json", headers=forged).get_json()["servers"]
    assert servers == [{"url": PUBLIC}]


@pytest.fixture
def development(app_for, database_url, synced_library):
    """An app as ``flask run`` builds it: neither testing nor production."""
    return app_for(database_url, TESTING=False, PAGE_CACHE_CHECK_SECONDS=3600)


def test_a_development_server_answers_only_to_its_own_names(development):
    assert development.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
    client = development.test_client()
    for host in ("localhost", "127.0.0.1:8000"):
        assert client.get("/courses", headers={"Host": host}).status_code == 200, host
    # The second visit would come from the page cache, in front of Flask: refused all the same.
    for _ in range(2):
        refused = client.get("/courses", headers={"Host": FORGED})
        assert refused.status_code == 400
        assert refused.headers["X-Frame-Options"] == "DENY"


def test_a_development_server_also_answers_to_its_public_url(app_for, database_url):
    served = app_for(database_url, TESTING=False, PUBLIC_URL="http://onetouch.test:8000")
    assert served.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1", "onetouch.test"]
    assert served.test_client().get("/healthz", headers={
        "Host": "onetouch.test:8000"}).status_code == 200
