"""Signals other features listen to (statistics, the audit log), in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# Sent once, when an account is created: sender=the User, session=...
user_registered = _signals.signal("user-registered")

# Sent when an administrative role is granted or is about to be revoked: sender=the RoleGrant,
# session=..., actor=the User who did it (None on the command line).
role_granted = _signals.signal("role-granted")
role_revoked = _signals.signal("role-revoked")

# Sent when an admin ends every session of a user: sender=the User, session=..., actor=the admin.
sessions_ended = _signals.signal("sessions-ended")

# Sent when a province admin confirms or refuses a user's declaration as a commune official or
# community team member: sender=the User, session=..., actor=the admin, audience=what was
# declared (before a refusal turns the user into a citizen).
official_confirmed = _signals.signal("official-confirmed")
official_rejected = _signals.signal("official-rejected")

# Sent when a password is reset (the owner was not logged in): sender=the User, session=...
password_reset = _signals.signal("password-reset")

# Sent when a helper issues a one-time password code for a learner: sender=the learner (User),
# session=..., actor=the team member or admin who issued it.
reset_code_issued = _signals.signal("reset-code-issued")
