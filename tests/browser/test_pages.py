"""Every page type at 360 px: no serious or critical accessibility violation (axe-core), no
sideways scrolling, and a screenshot in tests/browser/screenshots/ for a person to review. And
every page type at 200% zoom of a 1280-px window with the larger text chosen: a 640-px wide
page, twice as dense, which must still not scroll sideways."""

from __future__ import annotations

import pytest

from tests.browser import checks, learner
from tests.browser.checks import PHONE
from tests.browser.pages import PAGE_TYPES, people_and_progress

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own


# Zooming to 200% halves the width a page has in CSS pixels and doubles the pixels per one.
ZOOMED = {"viewport": {"width": 640, "height": 384}, "device_scale_factor": 2}


def _contexts(site, browser, data, larger_text: bool = False, **options):
    """A browser context for each person who sees the pages (a visitor, and logged in as each
    of the others): a page type needs a new page, not a new browser."""
    people = {"learner": data.learner, "helper": data.helper, "admin": site.admin}
    contexts = {who: checks.open_context(browser, site.base, **options)
                for who in (None, *people)}
    for who in contexts:
        page = contexts[who][0].new_page()
        if larger_text:
            page.goto("/text-size/large")
        if who is not None:
            learner.log_in(page, people[who].identifier, people[who].password)
        page.close()
    return contexts


def _close(contexts) -> None:
    for context, _ in contexts.values():
        context.close()
    for _, guard in contexts.values():
        guard.check()


@pytest.fixture(scope="module")
def tour(site, browser):
    """The data behind the pages, and a phone for each person, kept for the module. A request
    to another origin fails the module's last test."""
    data = people_and_progress(site)
    phones = _contexts(site, browser, data, viewport=PHONE)
    yield data, {who: context for who, (context, _) in phones.items()}
    _close(phones)


@pytest.fixture(scope="module")
def zoomed_tour(site, browser, tour):
    data, _ = tour
    screens = _contexts(site, browser, data, larger_text=True, **ZOOMED)
    yield data, {who: context for who, (context, _) in screens.items()}
    _close(screens)


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda page_type: page_type.name)
def test_page_type_at_360_px(page_type, tour):
    data, phones = tour
    page = phones[page_type.who].new_page()
    try:
        response = page.goto(page_type.path(data))
        if page_type.status is None:
            assert response.status < 500
        else:
            assert response.status == page_type.status
        checks.screenshot(page, page_type.name)
        problems = checks.axe_violations(page)
        if overflow := checks.horizontal_overflow(page):
            problems.append(f"sideways scrolling: {overflow}")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda page_type: page_type.name)
def test_page_type_at_200_percent_zoom_with_larger_text(page_type, zoomed_tour):
    data, screens = zoomed_tour
    page = screens[page_type.who].new_page()
    try:
        page.goto(page_type.path(data))
        assert page.evaluate("document.documentElement.classList.contains('text-large')")
        overflow = checks.horizontal_overflow(page)
        assert not overflow, f"sideways scrolling at 200% zoom: {overflow}"
    finally:
        page.close()
