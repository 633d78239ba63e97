"""Every route of ``app.url_map``, every method, as a visitor and as each role: who gets what,
that no page names a person its reader may not see, that every answer carries the security
headers (cached pages and 404s included), and that no POST passes without its own session's
CSRF token.

The matrix is the table ``ROUTES`` below, one line per endpoint. A route without a line fails
``test_every_route_has_a_line``: a new route (as those other branches add when they merge)
needs one line, ``"blueprint.endpoint": R("/path/{field}", GET=(...), POST=(...)),`` with the
status each column gets. Columns are ``ROLES``: visitor, learner, community digital team
member, province admin (province 01), ministry admin. ``LOGIN`` is a redirect to the log-in
page; a 302 is any other redirect. ``{field}`` names a value of the ``world`` fixture
(tests/security/conftest.py). A POST is sent with a valid token and no other field.
"""

from __future__ import annotations

import pytest

from tests.security.conftest import NAMES, ROLES, csrf_token, sign_in

LOGIN = "login"
EVERYONE = (200,) * 5
MEMBERS = (LOGIN, 200, 200, 200, 200)
ADMINS = (LOGIN, 403, 403, 200, 200)
MINISTRY = (LOGIN, 403, 403, 403, 200)
OWNER = (LOGIN, 200, 404, 404, 404)


def R(path: str, **methods: tuple | int) -> tuple[str, dict]:  # noqa: N802 (reads as a row)
    return path, {method: (expected,) * 5 if isinstance(expected, int) else expected
                  for method, expected in methods.items()}


ROUTES = {
    "static": R("/static/css/site.css", GET=EVERYONE),
    "core.healthz": R("/healthz", GET=EVERYONE),
    "core.set_language": R("/lang/en", GET=302),
    "catalog.home": R("/", GET=EVERYONE),
    "catalog.index": R("/courses", GET=EVERYONE),
    "catalog.course": R("/courses/{course}", GET=EVERYONE),
    "catalog.lesson": R("/courses/{course}/{module}", GET=EVERYONE),
    "catalog.asset": R("/courses/{course}/assets/{asset}", GET=EVERYONE),
    "catalog.search_page": R("/search?q=an+to%C3%A0n", GET=EVERYONE),
    "catalog.offline_course": R("/courses/{course}/offline.html", GET=EVERYONE),
    "core.favicon": R("/favicon.ico", GET=EVERYONE),
    "core.web_manifest": R("/manifest.webmanifest", GET=EVERYONE),
    "core.service_worker": R("/sw.js", GET=EVERYONE),
    "core.offline": R("/offline", GET=EVERYONE),
    "core.set_text_size": R("/text-size/large", GET=302),
    "accounts.register": R("/register", GET=(200, 302, 302, 302, 302),
                           POST=(422, 302, 302, 302, 302)),
    "accounts.login": R("/login", GET=EVERYONE, POST=422),
    # Fields left out keep their values (WTForms reads them from the user): saved unchanged.
    "accounts.profile": R("/profile", GET=MEMBERS, POST=(LOGIN, 302, 302, 302, 302)),
    "accounts.change_password": R("/profile/password", GET=MEMBERS,
                                  POST=(LOGIN, 422, 422, 422, 422)),
    "accounts.forgot_password": R("/password/forgot", GET=EVERYONE, POST=422),
    "accounts.reset_password": R("/password/reset/not-a-token", GET=400, POST=400),
    "accounts.assisted_register": R("/assist/register", GET=(LOGIN, 403, 200, 403, 403),
                                    POST=(LOGIN, 403, 422, 403, 403)),
    "community.helped": R("/assist", GET=MEMBERS),
    # Only the team member who signed {helped} up; with no consent ticked the POST is refused.
    "community.enrol": R("/assist/{helped}/enrol", GET=(LOGIN, 403, 200, 403, 403),
                         POST=(LOGIN, 403, 422, 403, 403)),
    # {helped} was signed up by the team member, in province 01.
    "accounts.issue_reset_code": R("/password/code/issue/{helped}",
                                   POST=(LOGIN, 403, 200, 200, 200)),
    "accounts.reset_with_code": R("/password/code", GET=EVERYONE, POST=422),
    "onboarding.upload": R("/admin/import", GET=ADMINS, POST=(LOGIN, 403, 403, 422, 422)),
    # No upload of that id: an admin finds none (a province admin gets 403 for another's).
    "onboarding.preview": R("/admin/import/no-such-upload", GET=(LOGIN, 403, 403, 404, 404)),
    "onboarding.confirm": R("/admin/import/no-such-upload/confirm",
                            POST=(LOGIN, 403, 403, 404, 404)),
    "onboarding.template": R("/admin/import/template.csv", GET=ADMINS),
    "accounts.sessions": R("/profile/sessions", GET=MEMBERS),
    # Nobody's session: each member is refused another's (or a missing) session alike.
    "accounts.end_session": R("/profile/sessions/999999/end", POST=(LOGIN, 404, 404, 404, 404)),
    "accounts.end_other_sessions": R("/profile/sessions/end-others",
                                     POST=(LOGIN, 302, 302, 302, 302)),
    # Without a remember-me cookie a visitor is sent to log in; a member goes on at once.
    "accounts.resume": R("/session/resume", GET=(LOGIN, 302, 302, 302, 302),
                         POST=(LOGIN, 302, 302, 302, 302)),
    "accounts.reauth": R("/reauth", GET=MEMBERS, POST=(LOGIN, 422, 422, 422, 422)),
    "accounts.end_user_sessions": R("/admin/users/{other}/sessions/end",
                                    POST=(LOGIN, 403, 403, 403, 302)),
    "accounts.officials": R("/admin/officials", GET=ADMINS),
    # Without a chosen user the bulk confirmation goes back to the queue.
    "accounts.confirm_officials": R("/admin/officials/confirm", POST=(LOGIN, 403, 403, 302, 302)),
    # {other} lives in province 79: its province admin is not the one of the matrix (403).
    "accounts.confirm_official": R("/admin/officials/{other}/confirm",
                                   POST=(LOGIN, 403, 403, 403, 302)),
    "accounts.reject_official": R("/admin/officials/{other}/reject",
                                  POST=(LOGIN, 403, 403, 403, 302)),
    "accounts.admin_users": R("/admin/users?q=L%C3%AA", GET=MINISTRY),
    "accounts.admin_user": R("/admin/users/{other}", GET=MINISTRY),
    "accounts.grant_role": R("/admin/users/{other}/roles", POST=(LOGIN, 403, 403, 403, 422)),
    "accounts.revoke_role": R("/admin/users/{spare}/roles/{grant}/revoke",
                              POST=(LOGIN, 403, 403, 403, 302)),
    # Before enrol: only the learner, who completed the course, is enrolled.
    "learning.mark_read": R("/courses/{course}/{module}/done", POST=(LOGIN, 302, 403, 403, 403)),
    "learning.enrol": R("/courses/{course}/enrol", POST=(LOGIN, 302, 302, 302, 302)),
    "learning.confirm_leave": R("/courses/{course}/leave", GET=MEMBERS),
    "learning.leave": R("/courses/{course}/leave", POST=(LOGIN, 302, 302, 302, 302)),
    "learning.my_learning": R("/my/learning", GET=MEMBERS),
    "learning.required_trainings": R("/admin/required", GET=ADMINS,
                                     POST=(LOGIN, 403, 403, 422, 422)),
    # {requirement} is national: the ministry's to change. Nothing changed / unconfirmed: 422.
    "learning.edit_requirement": R("/admin/required/{requirement}/edit",
                                   GET=(LOGIN, 403, 403, 403, 200),
                                   POST=(LOGIN, 403, 403, 403, 422)),
    "learning.cancel_requirement": R("/admin/required/{requirement}/cancel",
                                     POST=(LOGIN, 403, 403, 403, 422)),
    "learning.compliance": R("/admin/required/{requirement}", GET=ADMINS),
    "learners.learner": R("/admin/learners/{learner}", GET=ADMINS),
    "learners.index": R("/admin/learners", GET=ADMINS),
    "learners.export": R("/admin/learners/export.csv", GET=ADMINS),
    "learning.compliance_export": R("/admin/required/{requirement}/export.csv", GET=ADMINS),
    "learning.compliance_list": R("/admin/required/{requirement}/overdue?province=01", GET=ADMINS),
    "learning.compliance_list_export": R("/admin/required/{requirement}/pending/export.xlsx"
                                         "?province=01", GET=ADMINS),
    "quizzes.quiz": R("/quizzes/{quiz}", GET=MEMBERS),
    "quizzes.start": R("/quizzes/{quiz}/start", POST=(LOGIN, 302, 302, 302, 302)),
    "quizzes.attempt": R("/attempts/{attempt}", GET=(LOGIN, 302, 404, 404, 404)),
    "quizzes.answer": R("/attempts/{attempt}", POST=(LOGIN, 302, 404, 404, 404)),
    "quizzes.result": R("/attempts/{attempt}/result", GET=OWNER),
    "certificates.mine": R("/my/certificates", GET=MEMBERS),
    "notifications.index": R("/notifications", GET=MEMBERS),
    "notifications.mark_read": R("/notifications/read", POST=(LOGIN, 302, 302, 302, 302)),
    "notifications.code_by_sms": R("/password/code/sms", GET=EVERYONE, POST=422),
    "notifications.settings": R("/notifications/settings", GET=MEMBERS,
                                POST=(LOGIN, 302, 302, 302, 302)),
    "certificates.view": R("/my/certificates/{number}", GET=OWNER),
    "certificates.pdf": R("/my/certificates/{number}/pdf", GET=OWNER),
    "certificates.credential_file": R("/my/certificates/{number}/credential.json", GET=OWNER),
    "certificates.verify_form": R("/verify?number={number}", GET=EVERYONE),
    "certificates.verify": R("/verify/{token}", GET=EVERYONE),
    "certificates.revocations": R("/certificates/revocations.json", GET=EVERYONE),
    "certificates.issuer": R("/credentials/issuer", GET=EVERYONE),
    "certificates.public_key": R("/credentials/keys/{key}", GET=EVERYONE),
    "certificates.status_list": R("/credentials/status/1", GET=EVERYONE),
    "certificates.admin_find": R("/admin/certificates?number={number}", GET=MINISTRY),
    "certificates.admin_revoke": R("/admin/certificates/{certificate}/revoke",
                                   POST=(LOGIN, 403, 403, 403, 302)),
    "stats.public": R("/stats", GET=EVERYONE),
    "stats.public_export": R("/stats/export.csv", GET=EVERYONE),
    "stats.province": R("/stats/provinces/01", GET=ADMINS),
    "stats.province_export": R("/stats/provinces/01/export.csv", GET=ADMINS),
    "stats.team_export": R("/stats/provinces/01/team.csv", GET=ADMINS),
    "audit.entries": R("/admin/audit", GET=ADMINS),
    "api.openapi": R("/api/v1/openapi.json", GET=EVERYONE),
    "api.stats_provinces": R("/api/v1/stats/provinces", GET=EVERYONE),
    "api.stats_communes": R("/api/v1/stats/provinces/01/communes", GET=(401, 403, 403, 200, 200)),
    "api.stats_timeseries": R("/api/v1/stats/timeseries", GET=EVERYONE),
    "api.certificate": R("/api/v1/certificates/{token}", GET=EVERYONE),
    "api.communes": R("/api/v1/provinces/01/communes", GET=EVERYONE),
    "privacy.notice": R("/privacy", GET=EVERYONE),
    # Every signed-in user of the world accepted the notice in force: sent on at once.
    "privacy.accept": R("/privacy/accept", GET=(LOGIN, 302, 302, 302, 302),
                        POST=(LOGIN, 302, 302, 302, 302)),
    "privacy.my_data": R("/profile/data", GET=MEMBERS),
    "privacy.export_json": R("/profile/data.json", GET=MEMBERS),
    "privacy.export_page": R("/profile/data/print", GET=MEMBERS),
    # Without the confirmation ticked nothing is deleted; admins hold roles, refused alike.
    "privacy.delete_account": R("/profile/delete", GET=MEMBERS,
                                POST=(LOGIN, 422, 422, 422, 422)),
    # accounts.logout last: it ends the session it is sent in. A visitor may send it too: a
    # browser whose session went idle still ends its remember-me token.
    "accounts.logout": R("/logout", POST=302),
}

# Other people's objects, asked for by someone who may not see them: (role, path, status).
PROBES = [
    ("learner", "/attempts/{other_attempt}", 404),
    ("learner", "/attempts/{other_attempt}/result", 404),
    ("learner", "/my/certificates/{other_number}", 404),
    ("learner", "/my/certificates/{other_number}/pdf", 404),
    ("learner", "/my/certificates/{other_number}/credential.json", 404),
    ("learner", "/admin/learners/{other}", 403),
    ("team", "/admin/learners/{helped}", 403),
    ("province", "/admin/learners/{other}", 403),
    ("province", "/admin/required/{requirement}?province=79", 403),
    ("province", "/stats/provinces/79", 403),
    ("province", "/stats/provinces/79/export.csv", 403),
    ("province", "/stats/provinces/79/team.xlsx", 403),
    ("province", "/api/v1/stats/provinces/79/communes", 403),
    ("province", "/admin/users/{other}", 403),
    ("ministry", "/attempts/{attempt}", 404),
    ("ministry", "/my/certificates/{number}", 404),
]
# Whose names each reader may meet on some page. The verify pages and the API show a
# certificate holder's name masked ("Trần T. R."), never whole.
MAY_SEE = {
    "anonymous": set(),
    "learner": {"learner"},
    "team": {"team", "helped"},
    "province": {"province", "learner", "team", "helped", "ministry"},
    "ministry": set(NAMES),
}
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                    "X-Frame-Options": "DENY"}


@pytest.fixture
def served(app, app_for, database_url, world):
    """The app as served: CSRF on, errors answered by the handlers, pages cached for
    visitors in front of Flask (the page cache's middleware answers their second visit);
    password codes by SMS on (the log gateway counts outside production)."""
    return app_for(database_url, WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False,
                   PAGE_CACHE_CHECK_SECONDS=3600, PASSWORD_CODE_BY_SMS=True)


@pytest.fixture
def clients(served, world) -> dict:
    return {role: sign_in(served, world.get(role)) for role in ROLES}


def endpoints(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_every_route_has_a_line(app):
    routes = endpoints(app)
    assert len(routes) > 50, "the URL map is not what this test reads"
    missing = sorted(set(routes) - set(ROUTES))
    assert not missing, f"routes with no line in ROUTES: {missing}"
    assert not sorted(set(ROUTES) - set(routes)), "lines for routes that are gone"
    for endpoint, methods in routes.items():
        assert set(ROUTES[endpoint][1]) == methods, endpoint


class Findings(list):
    """Every departure from the matrix, gathered so that one run shows them all."""

    def headers(self, response, role: str, where: str) -> None:
        for name, value in SECURITY_HEADERS.items():
            if response.headers.get(name) != value:
                self.append((where, role, f"{name}: {response.headers.get(name)}"))
        policy = response.headers.get("Content-Security-Policy", "")
        for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
            if directive not in policy:
                self.append((where, role, f"no {directive} in {policy!r}"))
        if "'unsafe-inline'" in policy.split("script-src", 1)[-1].split(";")[0]:
            self.append((where, role, "inline scripts allowed"))
        personal = role != "anonymous" and response.status_code // 100 != 3  # a redirect: no page
        if (personal and not response.cache_control.public
                and response.headers.get("Cache-Control") != "no-store"):
            self.append((where, role, f"Cache-Control: {response.headers.get('Cache-Control')}"))

    def status(self, response, expected, role: str, where: str) -> None:
        location = response.headers.get("Location", "")
        got = response.status_code
        if expected == LOGIN:
            if got != 302 or not location.startswith("/login?next="):
                self.append((where, role, f"{got} {location}, not the log-in page"))
        elif got != expected or (got == 302 and location.startswith("/login")):
            self.append((where, role, f"{got} {location}, not {expected}"))

    def names(self, response, role: str, where: str) -> None:
        """PDF and XLSX are binary; only their owners and admins reach them (the statuses)."""
        if response.mimetype not in ("text/html", "application/json", "text/csv"):
            return
        text = response.get_data(as_text=True)
        for person, name in NAMES.items():
            if person not in MAY_SEE[role] and name in text:
                self.append((where, role, f"shows {person}'s name"))

    def report(self) -> str:
        return "\n".join(" | ".join(each) for each in self)

    def all(self, response, expected, role: str, where: str) -> None:
        self.status(response, expected, role, where)
        self.headers(response, role, where)
        self.names(response, role, where)
        response.close()


def test_the_matrix_holds_for_every_route_and_role(served, clients, world):
    found = Findings()
    for column, role in enumerate(ROLES):
        for endpoint, (path, methods) in ROUTES.items():
            if "GET" not in methods:
                continue
            url = path.format(**world)
            visits = 2 if role == "anonymous" else 1  # the second from the page cache
            for _ in range(visits):
                found.all(clients[role].get(url), methods["GET"][column], role, endpoint)
    for role, path, status in PROBES:
        found.all(clients[role].get(path.format(**world)), status, role, path)
    assert not found, found.report()


def test_every_post_obeys_the_matrix_with_its_own_token(served, world):
    """Each POST in a session of its own (a POST may log out, start an attempt, revoke), in
    the table's order, with a valid token and no other field."""
    found = Findings()
    for endpoint, (path, methods) in ROUTES.items():
        if "POST" not in methods:
            continue
        for role, expected in zip(ROLES, methods["POST"], strict=True):
            client = sign_in(served, world.get(role))
            response = client.post(path.format(**world), data={"csrf_token": csrf_token(client)})
            found.all(response, expected, role, endpoint)
    assert not found, found.report()


def test_no_post_passes_without_its_sessions_token(served, clients, world):
    """No token, or the token of another session (here a visitor's): refused with a 400
    before the view runs, whoever sends it."""
    foreign = csrf_token(served.test_client())
    found = Findings()
    for endpoint, (path, methods) in ROUTES.items():
        if "POST" not in methods:
            continue
        url = path.format(**world)
        for role in ROLES:
            for data in ({}, {"csrf_token": foreign}):
                response = clients[role].post(url, data=data)
                found.all(response, 400, role, f"{endpoint} {sorted(data)}")
                if "Yêu cầu không hợp lệ." not in response.get_data(as_text=True):
                    found.append((endpoint, role, "not the CSRF refusal"))
    assert not found, found.report()


def test_unknown_pages_and_methods_carry_the_headers(clients):
    found = Findings()
    for role in ROLES:
        found.all(clients[role].get("/no/such/page"), 404, role, "404")
        for method in ("TRACE", "PUT", "FROB"):
            refused = clients[role].open("/courses", method=method)
            allowed = set(refused.headers.get("Allow", "").replace(" ", "").split(","))
            if allowed != {"GET", "HEAD", "OPTIONS"}:
                found.append((method, role, f"Allow: {refused.headers.get('Allow')}"))
            found.all(refused, 405, role, method)
    assert not found, found.report()
