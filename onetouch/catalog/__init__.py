"""Catalogue: course list, search, course and lesson pages, course assets."""
