"""The baseline: a bare Flask endpoint, served by gunicorn exactly like OneTouch.

It returns a fixed HTML page about the size of a lesson's markup, so the comparison
measures what OneTouch adds (database, templates, extensions), not bytes on the wire.
"""

from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><html lang=vi><title>bare</title><p>" + "x" * 8000 + "</p></html>"


@app.get("/")
def bare() -> str:
    return PAGE
