"""Bulk onboarding: a province's officials (or anyone) from a CSV or XLSX file, previewed before
anything is written, imported in one transaction with one-time sign-in codes."""
