"""Security headers on every answer, and ``no-store`` on every answer to a logged-in user.

The headers are added by a WSGI wrapper around everything else, page cache included: an
anonymous hit answered by ``catalog.cache.ServeCached`` never enters Flask, and a 500 or 503
page is built where no hook may be trusted to run; both still carry them. A header a view set
itself is kept (a course's SVG asset has a stricter policy of its own).

The policy allows no inline script or style at all: every script and style sheet is a file
under /static, and the templates carry no ``style=`` or ``on...=`` attribute (a test reads
them). Images come from OneTouch only: course images are assets served beside the lessons.
"""

from __future__ import annotations

from flask import Flask, Response, session
from werkzeug.sansio.utils import host_is_trusted

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    # frame-ancestors for the older browsers of cheap phones, which know only this header.
    ("X-Frame-Options", "DENY"),
)
HSTS_SECONDS = 365 * 24 * 3600


def headers_for(config) -> list[tuple[str, str]]:
    """Every answer's headers; HSTS only when the site is public over https (a browser
    ignores it over http, and a development site on http must stay reachable)."""
    found = list(HEADERS)
    seconds = config.get("HSTS_SECONDS", HSTS_SECONDS)
    if str(config.get("PUBLIC_URL") or "").startswith("https://") and seconds:
        found.append(("Strict-Transport-Security", f"max-age={int(seconds)}"))
    return found


class SecurityHeaders:
    """WSGI middleware: adds each header the answer does not carry yet."""

    def __init__(self, wsgi_app, headers: list[tuple[str, str]]) -> None:
        self.wsgi_app = wsgi_app
        self.headers = headers

    def __call__(self, environ, start_response):
        def start(status, response_headers, exc_info=None):
            present = {name.lower() for name, _ in response_headers}
            response_headers.extend(header for header in self.headers
                                    if header[0].lower() not in present)
            return start_response(status, response_headers, exc_info)

        return self.wsgi_app(environ, start)


UNTRUSTED_HOST_PAGE = ('<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
                       "<title>OneTouch</title></head><body><main><h1>Yêu cầu không hợp lệ."
                       "</h1></main></body></html>\n")


class TrustedHostsOnly:
    """WSGI middleware: a Host outside TRUSTED_HOSTS gets a 400 before anything runs.

    Flask checks TRUSTED_HOSTS itself, but only once it has failed to build its URL adapter,
    so its error page, which links to the style sheet, cannot be drawn; and a cached page is
    answered before Flask looks at all. This refuses both, with a page that needs nothing.
    """

    def __init__(self, wsgi_app, trusted: list[str]) -> None:
        self.wsgi_app = wsgi_app
        self.trusted = trusted

    def __call__(self, environ, start_response):
        if host_is_trusted(environ.get("HTTP_HOST"), self.trusted):
            return self.wsgi_app(environ, start_response)
        refused = Response(UNTRUSTED_HOST_PAGE, 400, content_type="text/html; charset=utf-8")
        refused.headers["Cache-Control"] = "no-store"
        return refused(environ, start_response)


def private_answers(response: Response) -> Response:
    """A logged-in user's pages show their name, progress or, for admins, other people's
    data: no browser or proxy may keep them. Public documents (``Cache-Control: public``, as
    status lists and commune lists are) stay cacheable."""
    if "_user_id" in session and not response.cache_control.public:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Last in create_app: the wrapper must be the outermost one."""
    app.after_request(private_answers)
    if app.config["TRUSTED_HOSTS"]:
        app.wsgi_app = TrustedHostsOnly(app.wsgi_app, app.config["TRUSTED_HOSTS"])
    app.wsgi_app = SecurityHeaders(app.wsgi_app, headers_for(app.config))
