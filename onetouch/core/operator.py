"""Who ran a command on the server, for the records that name who did what."""

from __future__ import annotations

import getpass


def command_line_actor() -> str:
    """The system account is all there is to go on: "Dòng lệnh (root)"."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "?"
    return f"Dòng lệnh ({account})"
