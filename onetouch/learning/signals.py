"""Signals other features listen to (certificates, statistics), in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# Sent once, when an enrolment becomes complete: sender=the Enrolment, session=...
course_completed = _signals.signal("course-completed")

# Sent once, when a learner's enrolment row is created: sender=the Enrolment, session=...
enrolled = _signals.signal("enrolled")

# Sent when an admin requires a course: sender=the RequiredTraining, session=..., actor=the admin.
requirement_created = _signals.signal("requirement-created")

# Sent when an admin edits a requirement: sender=the RequiredTraining, session=..., actor=the
# admin, changes=what changed, as readable lines ("Hạn hoàn thành: 01/12/2026 → 15/12/2026").
requirement_edited = _signals.signal("requirement-edited")

# Sent when an admin cancels a requirement: sender=the RequiredTraining, session=..., actor=...
requirement_cancelled = _signals.signal("requirement-cancelled")
