"""Extensions are created here without an app and bound in ``create_app``."""

from flask import current_app, request
from flask_babel import Babel
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

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """Vietnamese unless the visitor chose another language with the language switch.

    The browser's Accept-Language is ignored on purpose: a national platform speaks
    Vietnamese first, whatever phone it is opened on.
    """
    choice = request.cookies.get(LANGUAGE_COOKIE, "")
    if choice in current_app.config["LANGUAGES"]:
        return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]
