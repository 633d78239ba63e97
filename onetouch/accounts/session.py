"""How a logged-in user is remembered between requests.

The session cookie holds "<user id>:<session version>". Raising ``User.session_version``
(on a password change, for example) ends every session that holds the older value, on
every server, with no server-side session store.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from onetouch.accounts.models import User
from onetouch.extensions import db, login_manager

# Built once: every request of a logged-in user runs it.
USER = select(User).where(User.id == bindparam("id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    raw_id, _, raw_version = session_id.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit() and raw_version.isascii()
            and raw_version.isdigit()):
        return None
    user = db.session.scalars(USER, {"id": int(raw_id)}).one_or_none()
    if user is None or not user.is_active or user.session_version != int(raw_version):
        return None
    return user
