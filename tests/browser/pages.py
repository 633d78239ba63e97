"""Every type of page the site serves, with the person who sees it and the data it needs.

A page type is one template in one state worth seeing (a verify page for a valid and for a
revoked certificate, a course page for a visitor and for an enrolled learner). The data
behind them is made once per run through the services (``people_and_progress``). A new page
type is one line in ``PAGE_TYPES``; part of the site that needs a person or data that is not
here yet adds it to ``Tour``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from onetouch.accounts.models import User
from onetouch.content.models import Course, Module
from onetouch.db import utcnow
from onetouch.learning import services as learning
from onetouch.quizzes import services as quizzes
from onetouch.quizzes.models import QuizAttempt
from tests.browser.site import Person, Site

COURSE = "ky-nang-so-co-ban"
OTHER_COURSE = "dich-vu-cong-truc-tuyen"


@dataclass
class Tour:
    """The people who see the pages, and the ids in the pages' addresses."""

    learner: Person  # holds a certificate of COURSE, has an open attempt in OTHER_COURSE
    helper: Person  # a member of a community digital technology team
    lesson: str  # the first module of COURSE
    other_lesson: str  # the first module of OTHER_COURSE
    certificate: str  # the learner's certificate number
    token: str  # its verify token
    revoked_token: str  # another learner's certificate, revoked
    quiz: int  # COURSE's final exam
    result: int  # the learner's graded attempt at it
    attempt: int  # the learner's open attempt in OTHER_COURSE
    requirement: int  # COURSE required of citizens nationwide


@dataclass(frozen=True)
class PageType:
    name: str
    who: str | None  # None: a visitor; else "learner", "helper" or "admin"
    path: Callable[[Tour], str]
    status: int | None = 200  # None: whatever the site answers, below 500


PAGE_TYPES = [
    PageType("home", None, lambda t: "/"),
    PageType("catalogue", None, lambda t: "/courses"),
    PageType("catalogue-filtered", None, lambda t: "/courses?audience=citizen"),
    PageType("search", None, lambda t: "/search?q=dich+vu+cong"),
    PageType("search-nothing", None, lambda t: "/search?q=khongcotukhoanay"),
    PageType("course", None, lambda t: f"/courses/{COURSE}"),
    PageType("lesson", None, lambda t: f"/courses/{COURSE}/{t.lesson}"),
    PageType("register", None, lambda t: "/register"),
    PageType("login", None, lambda t: "/login"),
    PageType("forgot-password", None, lambda t: "/password/forgot"),
    PageType("reset-link-invalid", None, lambda t: "/password/reset/khong-hop-le", None),
    PageType("verify-form", None, lambda t: "/verify"),
    PageType("verify-valid", None, lambda t: f"/verify/{t.token}"),
    PageType("verify-revoked", None, lambda t: f"/verify/{t.revoked_token}"),
    PageType("verify-not-found", None, lambda t: "/verify?number=OT-2026-0000-0000", None),
    PageType("stats", None, lambda t: "/stats"),
    PageType("stats-63-provinces", None, lambda t: "/stats?scheme=legacy"),
    PageType("not-found", None, lambda t: "/khong-co-trang-nay", 404),
    PageType("my-learning", "learner", lambda t: "/my/learning"),
    PageType("course-completed", "learner", lambda t: f"/courses/{COURSE}"),
    PageType("leave-confirm", "learner", lambda t: f"/courses/{OTHER_COURSE}/leave"),
    PageType("leave-completed", "learner", lambda t: f"/courses/{COURSE}/leave"),
    PageType("lesson-enrolled", "learner", lambda t: f"/courses/{OTHER_COURSE}/{t.other_lesson}"),
    PageType("quiz", "learner", lambda t: f"/quizzes/{t.quiz}"),
    PageType("attempt", "learner", lambda t: f"/attempts/{t.attempt}"),
    PageType("result", "learner", lambda t: f"/attempts/{t.result}/result"),
    PageType("my-certificates", "learner", lambda t: "/my/certificates"),
    PageType("certificate", "learner", lambda t: f"/my/certificates/{t.certificate}"),
    PageType("profile", "learner", lambda t: "/profile"),
    PageType("change-password", "learner", lambda t: "/profile/password"),
    PageType("assisted-sign-up", "helper", lambda t: "/assist/register"),
    PageType("assisted-list", "helper", lambda t: "/assist"),
    PageType("stats-province", "admin", lambda t: "/stats/provinces/01"),
    PageType("admin-required", "admin", lambda t: "/admin/required"),
    PageType("admin-compliance", "admin", lambda t: f"/admin/required/{t.requirement}"),
    PageType("admin-compliance-province", "admin",
             lambda t: f"/admin/required/{t.requirement}?province=01&sort=percent&dir=desc"),
    PageType("admin-compliance-list", "admin",
             lambda t: f"/admin/required/{t.requirement}/pending?province=01"),
    PageType("admin-required-edit", "admin",
             lambda t: f"/admin/required/{t.requirement}/edit"),
    PageType("admin-officials", "admin", lambda t: "/admin/officials"),
    PageType("admin-learner", "admin", lambda t: f"/admin/learners/{t.learner.id}"),
    PageType("admin-users", "admin", lambda t: "/admin/users"),
    PageType("admin-user", "admin", lambda t: f"/admin/users/{t.learner.id}"),
    PageType("admin-certificates", "admin",
             lambda t: f"/admin/certificates?number={t.certificate}"),
    PageType("admin-audit", "admin", lambda t: "/admin/audit"),
]


def people_and_progress(site: Site) -> Tour:
    learner = site.person("Nguyễn Thị Mai")
    certificate = site.factories.issue_certificate(learner.id, COURSE)
    other = site.person("Hoàng Văn Nam")
    revoked = site.factories.issue_certificate(other.id, COURSE)
    site.factories.revoke_certificate(revoked.id, site.admin.id)
    site.factories.enrol(learner.id, OTHER_COURSE)
    with site.factories.unit() as session:
        user = session.get(User, learner.id)
        course = session.scalar(select(Course).where(Course.slug == COURSE))
        final = quizzes.final_exam(session, course).id
        result = session.scalar(select(QuizAttempt.id).where(
            QuizAttempt.user_id == learner.id, QuizAttempt.quiz_id == final))
        first = session.scalar(select(Module).join(Course).where(Course.slug == OTHER_COURSE)
                               .order_by(Module.position))
        attempt = quizzes.start(session, user, learning.module_quiz(session, first),
                                utcnow()).id
    # Waits in the province admins' queue of declarations (admin-officials).
    site.person("Phạm Văn Hùng", audience="commune_official", confirmed=False)
    return Tour(learner=learner, helper=site.person("Đỗ Thị Lan", audience="digital_team"),
                lesson=site.course(COURSE).modules[0].slug,
                other_lesson=site.course(OTHER_COURSE).modules[0].slug,
                certificate=certificate.number, token=certificate.token,
                revoked_token=revoked.token, quiz=final, result=result, attempt=attempt,
                requirement=site.require(COURSE))

