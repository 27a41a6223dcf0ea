"""How a sign-in code reaches a worker: one interface, `send_code(phone_e164, code)`.

- LogSender (development and the demo): writes the code to the log, the number masked.
- SmsGatewaySender (production, SMS_GATEWAY_URL set): an HTTP POST to the SMS gateway (shared.sms).
Phone numbers never go into logs in clear: only mask_phone() of them."""
from __future__ import annotations

import logging
from typing import Protocol

import httpx

from shared.config import SmsSettings
from shared.errors import Unavailable
from shared.sms import SmsClient, SmsError, mask_phone

log = logging.getLogger("unionhub.accounts.sms")


def sms_unavailable() -> Unavailable:
    return Unavailable("The text message could not be sent; try again in a minute.", slug="sms-unavailable",
                       title="SMS unavailable", headers={"Retry-After": 60})


class Sender(Protocol):
    shows_code: bool  # may the code also be shown to the caller (the demo's log sender only)?

    def send_code(self, phone_e164: str, code: str) -> None: ...


class LogSender:
    """Development: the code goes to the log, where a developer reads it."""

    shows_code = True

    def send_code(self, phone_e164: str, code: str) -> None:
        log.info("sign-in code for %s: %s (log sender: no text message is sent)", mask_phone(phone_e164), code)


class SmsGatewaySender:
    """Production: the code through the SMS gateway (shared.sms). Any failure (network, timeout,
    non-2xx) is 503 sms-unavailable, logged without the number."""

    shows_code = False

    def __init__(self, settings: SmsSettings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.client = SmsClient(settings, transport)

    def send_code(self, phone_e164: str, code: str) -> None:
        try:
            self.client.send(phone_e164, self.settings.template_id, {"code": code}, what="a code")
        except SmsError:
            raise sms_unavailable() from None


def build_sender(settings: SmsSettings | None) -> Sender:
    return SmsGatewaySender(settings) if settings is not None else LogSender()
