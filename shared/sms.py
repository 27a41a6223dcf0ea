"""The HTTP SMS gateway client every service that texts workers uses (accounts: sign-in codes;
notify: notifications); what a mobile number is (`normalise_phone`), and the one way a phone
number appears in a log or an answer: `mask_phone`.

The gateway takes `POST <SMS_GATEWAY_URL>` with a Bearer key and the JSON body
`{"phone", "sign_name", "template_id", "params": {...}}`; any 2xx is sent.
Failures raise SmsError, logged without the number: a network error, a timeout,
429 or 5xx may pass (retry later); another 4xx will not (`permanent`)."""
from __future__ import annotations

import logging

import httpx
import phonenumbers

from .config import SmsSettings
from .errors import ValidationFailed

log = logging.getLogger("unionhub.sms")


def mask_phone(phone: str) -> str:
    """+8613812345678 or 13812345678 -> 138****5678."""
    digits = phone.removeprefix("+86") if phone.startswith("+86") else phone.lstrip("+")
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def normalise_phone(raw: str) -> str:
    """A mainland China mobile number in E.164 (+8613812345678), or 422 with errors.phone."""
    bad = ValidationFailed({"phone": ["Give a mainland China mobile number, e.g. 13812345678."]})
    if not isinstance(raw, str) or len(raw) > 32:
        raise bad
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise bad from None
    if (number.country_code != 86 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE):
        raise bad
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class SmsError(Exception):
    """The gateway did not take the message. `reason` never holds the number or the text."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


class SmsClient:
    def __init__(self, settings: SmsSettings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.client = httpx.Client(timeout=settings.timeout, transport=transport,
                                   headers={"Authorization": f"Bearer {settings.api_key}"})

    def send(self, phone_e164: str, template_id: str, params: dict, *, what: str = "a message") -> None:
        body = {"phone": phone_e164, "sign_name": self.settings.sign_name, "template_id": template_id,
                "params": params}
        try:
            resp = self.client.post(self.settings.url, json=body)
        except httpx.HTTPError as exc:
            log.error("SMS gateway did not answer (%s)", type(exc).__name__)
            raise SmsError(f"no answer ({type(exc).__name__})") from None
        if not resp.is_success:
            log.error("SMS gateway refused %s: HTTP %d", what, resp.status_code)
            passing = resp.status_code == 429 or resp.status_code >= 500
            raise SmsError(f"HTTP {resp.status_code}", permanent=not passing)
        log.info("SMS with %s sent to %s", what, mask_phone(phone_e164))
