"""Extensions are created here without an app and bound in ``create_app``."""

from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_translations
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from jinja2 import pass_context
from jinja2.runtime import Context

from onetouch.db import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Per-process counters by default; set RATELIMIT_STORAGE_URI (e.g. redis://) to share them
# between servers.
limiter = Limiter(key_func=get_remote_address)

# Limits are declared on the views that need them (log-in, sign-up, verification, the API);
# these reading pages declare none, yet the limiter's check of each request took about a tenth
# of a logged-in learner's lesson page. Anonymous readers of cached pages never reach it.
READING_PAGES = frozenset({"catalog.course", "catalog.lesson", "learning.my_learning"})


@limiter.request_filter
def _reading_page() -> bool:
    return request.endpoint in READING_PAGES

def language_cookie(app: Flask) -> str:
    """The language cookie's name: "lang", or "__Host-lang" with SECURE_COOKIES."""
    return app.config["LANGUAGE_COOKIE_NAME"]


def select_locale() -> str:
    """Vietnamese unless the visitor chose another language with the language switch.

    The browser's Accept-Language is ignored on purpose: a national platform speaks
    Vietnamese first, whatever phone it is opened on.
    """
    choice = (request.cookies.get(language_cookie(current_app), "") if has_request_context()
              else "")
    if choice in current_app.config["LANGUAGES"]:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# A template's translations, found once when it is rendered (a context processor) rather than
# at each of its strings: Flask-Babel's own ``_()`` looks the request's locale and domain up
# anew at every call, about 10 µs, and a page has dozens of strings.
TRANSLATIONS = "_onetouch_translations"


def install_template_gettext(app: Flask) -> None:
    """After ``babel.init_app``: the same callables as Flask-Babel's, found once a render.

    A macro imported without context has no template context of the render; it falls back
    to Flask-Babel's lookup, as does any render outside a request.
    """
    app.context_processor(lambda: {TRANSLATIONS: get_translations()})
    app.jinja_env.install_gettext_callables(
        gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext,
        newstyle=True)


def _translations(context: Context):
    found = context.get(TRANSLATIONS)
    return found if found is not None else get_translations()


@pass_context
def _gettext(context: Context, string: str) -> str:
    return _translations(context).ugettext(string)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, message_context: str, string: str) -> str:
    return _translations(context).upgettext(message_context, string)


@pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str,
               n: int) -> str:
    return _translations(context).unpgettext(message_context, singular, plural, n)
