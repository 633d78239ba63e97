"""Every page type at 360 px: no serious or critical accessibility violation (axe-core), no
sideways scrolling, and a screenshot in tests/browser/screenshots/ for a person to review."""

from __future__ import annotations

import pytest

from tests.browser import checks, learner
from tests.browser.checks import PHONE
from tests.browser.pages import PAGE_TYPES, people_and_progress

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own


@pytest.fixture(scope="module")
def tour(site, browser):
    """The data behind the pages, and a phone for each person who sees them (a visitor,
    logged in as each of the others), kept for the module: a page type needs a new page, not a
    new browser. A request to another origin fails the module's last test."""
    data = people_and_progress(site)
    people = {"learner": data.learner, "helper": data.helper, "admin": site.admin}
    phones = {who: checks.open_context(browser, site.base, viewport=PHONE)
              for who in (None, *people)}
    for who, person in people.items():
        page = phones[who][0].new_page()
        learner.log_in(page, person.identifier, person.password)
        page.close()
    yield data, {who: context for who, (context, _) in phones.items()}
    for context, _ in phones.values():
        context.close()
    for _, guard in phones.values():
        guard.check()


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
