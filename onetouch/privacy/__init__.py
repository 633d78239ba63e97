"""The learner's rights over their personal data (Law on Personal Data Protection
91/2025/QH15): the privacy notice and consent to each version of it, a copy of everything kept
about them (JSON and a printable page), correction (the profile), withdrawal of consent and
deletion of the account, which anonymises it while the statistics and issued certificates
stay as they were; and the retention of inactive accounts."""
