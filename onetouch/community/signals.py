from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the helped learner (User); session, actor (the team member), course_title.
assisted_enrolment = _signals.signal("assisted-enrolment")
