"""What a first visit costs a learner on a phone: every lesson under 30 KB, the catalogue and
the statistics under 40 KB (all the bytes that cross the wire, headers included, compressed
where the server compresses), from the site's own origin only; and every lesson fits 360 px."""

from __future__ import annotations

import pytest

from tests.browser import checks
from tests.browser.checks import PHONE
from tests.browser.site import LIBRARY

pytestmark = pytest.mark.slow  # a browser and a server, each a process of its own

KB = 1000
COURSES = sorted(path.parent.name for path in LIBRARY.glob("*/course.yml"))


@pytest.fixture
def visits(new_context) -> checks.FirstVisits:
    """A visitor's phone that keeps nothing in its cache; a request to another origin fails
    the test."""
    return checks.FirstVisits(new_context(viewport=PHONE))


@pytest.mark.parametrize("course", COURSES)
def test_every_lesson_of_a_course_is_light_and_fits_a_phone(course, visits, site):
    problems = []
    for module in site.course(course).modules:
        path = f"/courses/{course}/{module.slug}"
        visit = visits.visit(path)
        if visit.bytes > 30 * KB:
            problems.append(f"{path}: {visit.bytes} bytes ({visit.describe()})")
        if overflow := checks.horizontal_overflow(visit.page):
            problems.append(f"{path}: sideways scrolling: {overflow}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/courses", "/stats"])
def test_the_catalogue_and_the_statistics_weigh_under_40_kb(path, visits):
    visit = visits.visit(path)
    assert visit.bytes <= 40 * KB, f"{path}: {visit.bytes} bytes ({visit.describe()})"
