"""The security event log: one JSON object per line on the logger ``onetouch.security``.

Log-ins (success and failure, with the account and the address), lock-outs, refused
permissions, ended sessions and changed privileges are written here for whoever watches the
server: a log collector parses each line as JSON, a person can still read it. Lines go to the
WSGI server's error stream (gunicorn's log under ``make run``), like the mail log, at INFO
whatever level the root logger has; they never carry a password, a token or a contact
address, only ids.
"""

from __future__ import annotations

import json
import logging
import os

from flask import has_request_context, request
from flask.logging import wsgi_errors_stream

from onetouch.core import clock

LOGGER = "onetouch.security"


class _Lines(logging.StreamHandler):
    """Writes the JSON line as it is: no prefix, so that each line parses."""


def security_logger() -> logging.Logger:
    """The logger, set up once per process: its own handler on the WSGI error stream (sys.stderr
    outside a request) and no propagation, so the line is not written a second time with
    Flask's prefix by the application logger's handler."""
    logger = logging.getLogger(LOGGER)
    if not any(isinstance(handler, _Lines) for handler in logger.handlers):
        handler = _Lines(wsgi_errors_stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def event(name: str, **fields) -> dict:
    """Write one event; ``fields`` are ids and short codes (user=12, reason="idle"). The
    address, method and path of the request are added when there is one. Returns the record."""
    record = {"time": clock.now().isoformat(timespec="seconds"), "event": name}
    if has_request_context():
        record.update(ip=request.remote_addr, method=request.method, path=request.path)
    record.update(fields)
    record["pid"] = os.getpid()  # which worker: a node runs several
    security_logger().info(json.dumps(record, ensure_ascii=False, default=str))
    return record
