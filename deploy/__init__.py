"""Serving OneTouch: the production nginx configuration and ``make run``'s local nginx."""
