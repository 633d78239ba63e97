"""What the API answers where it differs from the pages that share a service's answer.

The verify page and the API tell the same things about a certificate
(``certificates.services.public_answer``); the page prints days as on the certificate,
31/12/2026, while the API gives RFC 3339 full-dates that a program can read, with the printed
form beside them.
"""

from __future__ import annotations

from onetouch.certificates.models import Certificate
from onetouch.certificates.services import public_answer
from onetouch.core.clock import local_date, local_day


def certificate(found: Certificate | None) -> dict:
    answer = public_answer(found)
    if found is None:
        return answer
    answer["certificate"] = {**answer["certificate"],
                             "issued_on": local_day(found.issued_at).isoformat(),
                             "issued_on_display": local_date(found.issued_at)}
    if found.revoked_at is not None:
        answer["revocation"] = {**answer["revocation"],
                                "date": local_day(found.revoked_at).isoformat(),
                                "date_display": local_date(found.revoked_at)}
    return answer
