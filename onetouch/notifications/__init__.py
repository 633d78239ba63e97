"""Notifications: an outbox written with the event, delivered by a worker (in-app, e-mail, SMS)."""
