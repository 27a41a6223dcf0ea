"""How a sign-in code reaches a worker: one interface, `send_code(phone_e164, code)`.

- LogSender (development and the demo): writes the code to the log, the number masked.
- SmsGatewaySender (production, SMS_GATEWAY_URL set): an HTTP POST to the SMS gateway.
Phone numbers never go into logs in clear: only mask_phone() of them."""
from __future__ import annotations

import logging
from typing import Protocol

import httpx

from shared.config import SmsSettings
from shared.errors import Unavailable

log = logging.getLogger("unionhub.accounts.sms")


def mask_phone(phone: str) -> str:
    """+8613812345678 or 13812345678 -> 138****5678."""
    digits = phone.removeprefix("+86") if phone.startswith("+86") else phone.lstrip("+")
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


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
    """Production: POST {phone, sign_name, template_id, params: {code}} as JSON with a Bearer key.
    Any failure (network, timeout, non-2xx) is 503 sms-unavailable, logged without the number."""

    shows_code = False

    def __init__(self, settings: SmsSettings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.client = httpx.Client(timeout=settings.timeout, transport=transport,
                                   headers={"Authorization": f"Bearer {settings.api_key}"})

    def send_code(self, phone_e164: str, code: str) -> None:
        body = {"phone": phone_e164, "sign_name": self.settings.sign_name,
                "template_id": self.settings.template_id, "params": {"code": code}}
        try:
            resp = self.client.post(self.settings.url, json=body)
        except httpx.HTTPError as exc:
            log.error("SMS gateway did not answer (%s)", type(exc).__name__)
            raise sms_unavailable() from None
        if not resp.is_success:
            log.error("SMS gateway refused a code: HTTP %d", resp.status_code)
            raise sms_unavailable()
        log.info("sign-in code sent by SMS to %s", mask_phone(phone_e164))


def build_sender(settings: SmsSettings | None) -> Sender:
    return SmsGatewaySender(settings) if settings is not None else LogSender()
