"""Database reachability, for the health check."""

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from onetouch.extensions import db


def database_status() -> bool:
    """True when a trivial query succeeds. The error is logged, never shown to the caller."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return False
    return True
