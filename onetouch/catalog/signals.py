"""Signals other features listen to, so the catalogue never imports them."""

from blinker import Namespace

_signals = Namespace()

# Sent when a logged-in user opens a lesson: sender=app, user=..., module=...
lesson_viewed = _signals.signal("lesson-viewed")
