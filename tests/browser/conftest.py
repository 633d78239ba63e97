"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, and the live site.

One Chromium and one live server serve the whole session: starting either costs seconds.
A test opens browser contexts of its own (their own cookies, an empty cache), so the tests do
not see each other's visits; the page-type tests share one per person for their module. The
page checks (axe-core, overflow, weight, origins) are in ``checks.py``; what a learner does,
in ``learner.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser import checks
from tests.browser.checks import DESKTOP, PHONE
from tests.browser.site import Site, serve_site

CHROMIUM = Path("/usr/bin/chromium")
# As root, and on a machine whose network is closed: no sandbox (it needs user namespaces
# that root in a container may not have), and none of Chromium's own calls home, which would
# be refused by the dozen and slow every start.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a browser that Playwright downloads), for the session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/run installs Debian's chromium)")
    if not checks.AXE.exists():
        pytest.skip(f"{checks.AXE} is missing: run `make browser` (npm ci in tests/browser)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site(template_db, tmp_path_factory) -> Iterator[Site]:
    """The site as `make run` serves it (gunicorn, CSRF, rate limits, the page cache) on a
    migrated SQLite database with the course library synced in and a ministry admin."""
    with serve_site(template_db, tmp_path_factory.mktemp("site")) as served:
        yield served


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that its fixtures know when it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is None or report.failed


@pytest.fixture
def new_context(browser, site, request):
    """Open browser contexts on the site (``new_context(viewport=PHONE)``, any option of
    Playwright's ``new_context``): each its own cookies and an empty cache; closed after the
    test, which fails if any of them made a request to another origin."""
    opened: list[tuple[object, checks.OriginGuard]] = []

    def make(**options):
        context, guard = checks.open_context(browser, site.base, **options)
        opened.append((context, guard))
        return context

    yield make
    for number, (context, _) in enumerate(opened):
        if _failed(request):  # what the browser showed when the test failed
            for page in context.pages:
                checks.screenshot(page, f"failed-{request.node.name}-{number}-{page.url[-40:]}")
        context.close()
    for _, guard in opened:
        guard.check()


@pytest.fixture
def phone(new_context):
    """A new browser at 360 × 740 with JavaScript on."""
    return new_context(viewport=PHONE)


@pytest.fixture
def phone_without_javascript(new_context):
    """The same with JavaScript off, as on a feature phone's browser or with scripts blocked."""
    return new_context(viewport=PHONE, java_script_enabled=False)


@pytest.fixture
def desktop(new_context):
    """A new browser at 1366 × 768 with JavaScript on."""
    return new_context(viewport=DESKTOP)
