"""Signals other features listen to (statistics), in the same transaction."""

from blinker import Namespace

_signals = Namespace()

# Sent once per certificate: sender=the Certificate, session=...
certificate_issued = _signals.signal("certificate-issued")
certificate_revoked = _signals.signal("certificate-revoked")
