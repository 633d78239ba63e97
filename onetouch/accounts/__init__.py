"""Accounts: registration, log-in, profile, roles and assisted sign-up."""
