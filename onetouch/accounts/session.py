"""How a logged-in user is recognised between requests, and how a session ends.

The signed session cookie holds the secret of a session row (logins.py) and the time of the
visitor's last request. Each request of a logged-in user reads the row and the user in one
statement, as before; the row being gone, or the user's session version having moved on, ends
the session at once on every server.

Why the idle time lives in the cookie: a timeout kept on the row would need a write on every
request, GETs included, which must not write (they may be served from a replica, and the
logged-in pages are meant to cost three reads). The cookie is signed, so the time cannot be
set back; each request writes the new time into the cookie it sends back, so the timeout is
exact, and a copied cookie ages like the original. The row's "last seen", shown on the sessions
page, moves only on requests that write anyway, at most every five minutes.

"Remember me" is a second secret in a long-lived cookie, stored hashed and replaced at each
use. Using it changes the row, so it is used by a POST: a page that needs a log-in sends a
browser that has it to /session/resume, which continues by itself (a tiny script) or with one
button.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    Flask,
    after_this_request,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_url, login_user, logout_user

from onetouch.accounts import devices, logins
from onetouch.accounts.models import User
from onetouch.core import clock, security_log
from onetouch.core.transaction import SAFE_METHODS
from onetouch.extensions import db, login_manager

SEEN = "_seen"  # the last request, seconds since 1970
AUTHENTICATED = "_auth"  # when this session last proved the password
KEYS = ("_user_id", "_fresh", "_id", SEEN, AUTHENTICATED)


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    app.after_request(log_denied)


def _now() -> int:
    return int(clock.now().timestamp())


def load_user(token: str) -> User | None:
    found = logins.found(db.session, token)
    if found is None:
        return _refused("unknown")
    row, user = found
    now = clock.now()
    if logins.expired(row, now):
        return _refused("expired", user=user.id, session=row.id)
    last = session.get(SEEN)
    if not isinstance(last, int) or now.timestamp() - last >= \
            logins.idle_limit(user).total_seconds():
        return _refused("idle", user=user.id, session=row.id)
    session[SEEN] = _now()
    if request.method not in SAFE_METHODS:
        logins.seen(row, now)
    user.current_session = row
    return user


def _refused(reason: str, **fields) -> None:
    """The cookie's session is over: forget it, so the next request is simply anonymous."""
    for key in KEYS:
        session.pop(key, None)
    security_log.event("session_refused", reason=reason, **fields)
    return None


def remember_cookie() -> str:
    # Flask-Login's setting names, so one configuration (name, Secure, SameSite) covers it;
    # Flask-Login's own remember-me is never switched on (login_user(remember=False)).
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def log_in(user: User, remember: bool = False) -> None:
    """Begin a session after the password was checked: a new row, a new cookie."""
    _forget_device()
    begun = logins.begin(db.session, user, devices.label(request.user_agent.string), remember)
    _enter(begun, authenticated=True)


def _enter(begun: logins.Begun, authenticated: bool) -> None:
    flashes = session.get("_flashes")
    session.clear()  # nothing of the visitor's earlier session (its CSRF token) carries over
    if flashes:
        session["_flashes"] = flashes
    login_user(begun.user, fresh=authenticated)
    session["_user_id"] = begun.token
    session[SEEN] = _now()
    if authenticated:
        session[AUTHENTICATED] = _now()
    begun.user.current_session = begun.row
    _set_remember(begun.remember)


def resume() -> bool:
    """Continue with the remember-me cookie; False (and the cookie dropped) if it is no good."""
    begun = logins.renew(db.session, request.cookies.get(remember_cookie(), ""))
    if begun is None:
        security_log.event("remember_refused")
        _set_remember(None)
        return False
    _enter(begun, authenticated=False)
    return True


def log_out(reason: str = "logout") -> None:
    """End this browser's session on the server (and its remember-me token with it)."""
    row = getattr(current_user, "current_session", None) if current_user.is_authenticated \
        else None
    if row is not None:
        logins.end(db.session, row, reason)
    else:
        _forget_device()
    logout_user()
    for key in KEYS:
        session.pop(key, None)
    _set_remember(None)


def _forget_device() -> None:
    """A remember-me token this browser still holds ends with the session it belongs to."""
    token = request.cookies.get(remember_cookie())
    row = logins.remembered(db.session, token) if token else None
    if row is not None:
        logins.end(db.session, row, "replaced")


def _set_remember(token: str | None) -> None:
    name, config = remember_cookie(), current_app.config
    if token is None:
        if name in request.cookies:
            after_this_request(lambda response: _delete(response, name))
        return

    def write(response):
        response.set_cookie(
            name, token, max_age=int(logins.remember_lifetime().total_seconds()),
            path=config.get("REMEMBER_COOKIE_PATH", "/"),
            domain=config.get("REMEMBER_COOKIE_DOMAIN"),
            secure=config.get("REMEMBER_COOKIE_SECURE", False),
            httponly=config.get("REMEMBER_COOKIE_HTTPONLY", True),
            samesite=config.get("REMEMBER_COOKIE_SAMESITE", "Lax"))
        return response

    after_this_request(write)


def _delete(response, name: str):
    config = current_app.config
    response.delete_cookie(name, path=config.get("REMEMBER_COOKIE_PATH", "/"),
                           domain=config.get("REMEMBER_COOKIE_DOMAIN"),
                           secure=config.get("REMEMBER_COOKIE_SECURE", False),
                           samesite=config.get("REMEMBER_COOKIE_SAMESITE", "Lax"))
    return response


def unauthorized():
    """A page needs a log-in: a remembered browser continues its session, others log in."""
    if request.method == "GET" and remember_cookie() in request.cookies:
        return redirect(url_for("accounts.resume", next=request.full_path.rstrip("?")))
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


# Re-authentication: a sensitive change asks for the password again unless it was given
# within REAUTH_MINUTES in this session.

def recently_authenticated() -> bool:
    at = session.get(AUTHENTICATED)
    limit = float(current_app.config["REAUTH_MINUTES"]) * 60
    return isinstance(at, int) and _now() - at < limit


def reauthenticated() -> None:
    session[AUTHENTICATED] = _now()
    session["_fresh"] = True


def recent_login_required(back):
    """For a POST that changes privileges: without a recent password, go and give it, then
    come back to ``back(**view_args)`` and do it again."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not recently_authenticated():
                flash(_("Vì đây là thao tác quan trọng, vui lòng nhập lại mật khẩu."), "info")
                return redirect(url_for("accounts.reauth", next=back(**kwargs)))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def log_denied(response):
    """Every refused permission (403), whatever refused it, in the security log."""
    if response.status_code == 403:
        user = current_user.id if current_user.is_authenticated else None
        security_log.event("permission_denied", user=user, endpoint=request.endpoint)
    return response
