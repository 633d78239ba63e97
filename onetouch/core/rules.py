"""The one exception that services raise when a rule is broken."""

from __future__ import annotations


class RuleError(Exception):
    """A business rule said no. ``message`` is for the person (already translated, or lazy);
    ``field`` names the form field it belongs to, when there is one.

    Services check their rules before they write, and the request's unit of work rolls back
    a request that ends in an error status, so a broken rule leaves no partial data.
    """

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(str(message))
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0])
