"""The rate limits of API v1, per client address. The views apply them and the OpenAPI
document states them, from these same strings."""

from __future__ import annotations

STATS_LIMIT = "120 per minute"
VERIFY_LIMIT = "60 per minute"
