"""Which feature listens to which event, in one place that ``create_app`` calls.

Learning announces ``enrolled`` and ``course_completed``; certificates issue on completion and
announce ``certificate_issued`` and ``certificate_revoked``; accounts announce
``user_registered``. Each receiver runs in the sender's transaction:

    quiz passed -> module/course completed (learning) -> certificate issued (certificates)
                -> rollups bumped for each of these events (stats)

It also connects what a feature adds to a page of a feature below it, so that the lower one
never imports the higher: certificates add the learner's certificates to "My learning".
"""

from __future__ import annotations

from flask import Flask


def register_listeners(app: Flask) -> None:
    from onetouch.certificates import hooks
    from onetouch.certificates import views as certificates
    from onetouch.learning import views as learning
    from onetouch.stats import events

    hooks.connect()
    events.connect()
    learning.add_my_learning_section(app, certificates.my_learning_section)
