"""The installable app: icon, web manifest, service worker, offline page.

The service worker itself runs under Node with a fake network and Cache Storage
(tests/js/service_worker.js): what it keeps, what it never keeps, and what a learner sees
offline. The real browser run belongs to the browser tests.
"""

from __future__ import annotations

import json
import re
import struct

import pytest

from onetouch.core import pwa
from tests.read_aloud import NODE, ROOT, needs_node, node

WORKER_HARNESS = ROOT / "tests" / "js" / "service_worker.js"
SW_SCRIPT = ROOT / "onetouch" / "static" / "js" / "sw.js"
PAGES = {"catalog.home", "catalog.index", "catalog.course", "catalog.lesson"}
STATIC = {"static", "catalog.asset", "core.favicon"}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_favicon_is_an_icon_kept_for_a_week(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
        assert struct.unpack("<H", response.data[4:6])[0] >= 2  # several sizes
        assert response.cache_control.public
        assert response.cache_control.max_age == 7 * 24 * 3600


def test_every_page_links_the_manifest_and_the_worker_script(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r'<script src="/static/js/pwa\.js" defer data-worker="/sw\.js" '
                     r'data-unsaved="[^"]*chưa lưu được[^"]*"></script>', html)


def test_manifest_makes_the_site_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "vi"
    assert manifest["name"].startswith("OneTouch")
    assert manifest["theme_color"] == "#b3261e"
    purposes = set()
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as served:
            assert served.status_code == 200, icon["src"]
            assert served.mimetype == icon["type"]
            if icon["type"] == "image/png":
                width, height = png_size(served.data)
                assert icon["sizes"] == f"{width}x{height}"
            else:
                assert b"<svg" in served.data
                assert b"<script" not in served.data
        purposes.add(icon["purpose"])
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert purposes == {"any", "maskable"}


def test_manifest_speaks_the_visitors_language(client):
    client.get("/lang/en")
    manifest = json.loads(client.get("/manifest.webmanifest").data)
    assert manifest["lang"] == "en"
    assert "Cookie" in client.get("/manifest.webmanifest").headers["Vary"]


def test_service_worker_is_served_from_the_root_and_checked_every_visit(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.no_cache
    source = response.get_data(as_text=True)
    assert pwa.VERSION_MARK not in source
    version = pwa.static_version(app.static_folder)
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert f"var VERSION = '{version}';" in source


def test_the_static_version_follows_every_static_file(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body {}")
    before = pwa.static_version(str(tmp_path))
    pwa.static_version.cache_clear()
    (tmp_path / "css" / "site.css").write_text("body { color: red }")
    after = pwa.static_version(str(tmp_path))
    pwa.static_version.cache_clear()
    assert before != after


def test_offline_page_says_what_works_offline_and_shows_no_visitor(client, make_user, login):
    login(client, make_user(full_name="Nguyễn Thị Riêng"))
    page = client.get("/offline")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Không có kết nối mạng" in html
    assert "Bài kiểm tra và bài thi cần có kết nối mạng" in html
    assert "Tiến độ học chỉ được lưu khi có mạng" in html
    assert "Tải khóa học" in html
    # The worker keeps this page for whoever uses the phone next.
    assert "Nguyễn Thị Riêng" not in html
    assert "csrf_token" not in html
    unsaved = client.get("/offline?unsaved=1").get_data(as_text=True)
    assert "chưa được gửi đi và chưa được lưu" in unsaved
    assert 'role="alert"' in unsaved


@needs_node
def test_worker_keeps_only_catalogue_lessons_and_static_files(app):
    """Every GET route of the app, as the worker sorts it: pages it keeps for offline reading,
    static files, and everything else (personal, admin, quizzes, search, exports) never."""
    samples = {"slug": "mau", "module_slug": "gioi-thieu", "path": "images/a.svg",
               "filename": "css/site.css", "kind": "csv"}
    paths = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>",
                      lambda m: str(samples.get(m.group(1), 7)), rule.rule)
        paths[rule.endpoint] = path.lstrip("/")
    program = ("const sw = require(process.argv[1]);"
               "const paths = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
               "const out = {};"
               "for (const [name, path] of Object.entries(paths)) out[name] = sw.kindOf(path, '');"
               "process.stdout.write(JSON.stringify(out));")
    kinds = json.loads(node("-e", program, str(SW_SCRIPT), stdin=json.dumps(paths)))
    assert {name for name, kind in kinds.items() if kind == "page"} == PAGES
    assert {name for name, kind in kinds.items() if kind == "static"} == STATIC
    assert kinds["catalog.offline_course"] is None
    assert kinds["learning.my_learning"] is None


@pytest.fixture
def visit(client):
    """A learner's visit played through the served worker: online, then offline."""
    if NODE is None:
        pytest.skip("Node.js is not installed")
    return json.loads(node(str(WORKER_HARNESS), stdin=client.get("/sw.js").get_data(as_text=True)))


@needs_node
class TestWorker:
    def test_install_keeps_the_offline_pages_and_drops_old_files(self, visit):
        assert len(visit["caches_after_install"]) == 1
        assert visit["caches_after_install"][0].startswith("onetouch-static-")
        assert {"/offline", "/offline?unsaved=1", "/static/css/site.css"} <= set(
            visit["precached"])

    def test_lessons_opened_are_readable_offline(self, visit):
        assert visit["pages_kept"] == ["/courses/mau/gioi-thieu"]
        assert visit["lesson_offline"]["body"] == "GET /courses/mau/gioi-thieu"
        assert visit["image_offline"]["body"].startswith("GET /courses/mau/assets/")

    def test_personal_admin_and_search_pages_are_never_kept(self, visit):
        kept = visit["pages_kept"] + visit["static_kept"]
        assert not any(path.startswith(("/my/", "/admin/", "/search")) for path in kept)
        assert visit["my_learning_offline"]["body"] == "GET /offline"
        assert visit["other_lesson_offline"]["body"] == "GET /offline"

    def test_a_post_is_never_kept_and_offline_it_says_nothing_was_saved(self, visit):
        assert not any("done" in path for path in visit["pages_kept"] + visit["static_kept"])
        assert visit["mark_read_online"]["body"] == "POST /courses/mau/gioi-thieu/done"
        assert visit["mark_read_offline"]["body"] == "GET /offline?unsaved=1"
        assert "POST /courses/mau/gioi-thieu/done" in visit["sent_offline"]

    def test_logging_out_forgets_the_kept_pages(self, visit):
        assert visit["pages_after_logout"] == []
