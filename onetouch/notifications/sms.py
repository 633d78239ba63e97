"""Sending SMS through a gateway chosen by configuration; no provider is assumed.

``NOTIFY_SMS_GATEWAY`` is the dotted path ``package.module:Name`` of a callable that takes the
application's configuration and returns an object with ``send(phone, text)`` (:class:`SmsGateway`).
The default, :class:`LogGateway`, writes each message to the server log. A provider's gateway
raises on failure: the delivery worker retries the message later.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from flask import current_app

DEFAULT_GATEWAY = "onetouch.notifications.sms:LogGateway"


@runtime_checkable
class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone`` (+84…); raise if the provider refused it."""


class LogGateway:
    """Writes the message to the log ("onetouch.sms"), at INFO whatever the root logger's
    level, as the mail module's log backend does."""

    def __init__(self, config: Mapping) -> None:
        self.config = config

    def send(self, phone: str, text: str) -> None:
        logger = current_app.logger.getChild("sms")
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        logger.info("sms (log gateway) to %s: %s", phone, text)


def load_gateway(path: str, config: Mapping) -> SmsGateway:
    """The gateway a dotted path names; a wrong path raises at once (ImportError, ValueError)."""
    module_name, _, attribute = path.partition(":")
    if not attribute:
        raise ValueError(f"NOTIFY_SMS_GATEWAY must read 'package.module:Name', not {path!r}")
    factory = getattr(importlib.import_module(module_name), attribute)
    return factory(config)


def gateway() -> SmsGateway:
    """The configured gateway, made once per application."""
    app = current_app._get_current_object()
    found = app.extensions.get("onetouch.sms_gateway")
    if found is None:
        found = load_gateway(app.config.get("NOTIFY_SMS_GATEWAY", DEFAULT_GATEWAY), app.config)
        app.extensions["onetouch.sms_gateway"] = found
    return found
