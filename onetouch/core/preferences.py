"""Display preferences kept per device in a cookie: the text size.

A cookie, not the account, because the need belongs to the person at the screen (a family's
shared phone, a commune office's computer) and works before logging in; and the server reads
it, so a phone without JavaScript gets the larger text too.
"""

from __future__ import annotations

from collections.abc import Mapping

TEXT_SIZE_COOKIE = "text"
NORMAL = "normal"
LARGE = "large"
TEXT_SIZES = (NORMAL, LARGE)


def text_size(cookies: Mapping[str, str]) -> str:
    """The visitor's text size; anything unknown is the normal size."""
    chosen = cookies.get(TEXT_SIZE_COOKIE, NORMAL)
    return chosen if chosen in TEXT_SIZES else NORMAL
