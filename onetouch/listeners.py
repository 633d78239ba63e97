"""Which feature listens to which event, in one place that ``create_app`` calls.

Learning announces ``enrolled`` and ``course_completed``; certificates issue on completion and
announce ``certificate_issued`` and ``certificate_revoked``; accounts announce
``user_registered``. Each receiver runs in the sender's transaction:

    quiz passed -> module/course completed (learning) -> certificate issued (certificates)
                -> rollups bumped for each of these events (stats)
"""

from __future__ import annotations

from flask import Flask


def register_listeners(app: Flask) -> None:
    from onetouch.certificates import hooks
    from onetouch.stats import events

    hooks.connect()
    events.connect()
