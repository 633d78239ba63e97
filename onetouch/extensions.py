"""Extensions are created here without an app and bound in ``create_app``."""

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from onetouch.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
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

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """Vietnamese unless the visitor chose another language with the language switch.

    The browser's Accept-Language is ignored on purpose: a national platform speaks
    Vietnamese first, whatever phone it is opened on.
    """
    choice = request.cookies.get(LANGUAGE_COOKIE, "") if has_request_context() else ""
    if choice in current_app.config["LANGUAGES"]:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]
