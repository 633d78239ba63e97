"""Signals other features listen to (statistics), in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# Sent once, when an account is created: sender=the User, session=...
user_registered = _signals.signal("user-registered")
