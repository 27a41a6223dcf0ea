"""Channels besides the in-app inbox, behind one interface: `send(address, message)`, which
returns when the channel took the message and raises SendFailed otherwise.

- SmsChannel: the SMS gateway (shared.sms), template NOTIFY_SMS_TEMPLATE_ID, params {title, body}.
- WeChatChannel: template messages of a WeChat official account. It fetches an access_token
  (GET <base>/cgi-bin/token), keeps it until shortly before it expires, and posts
  <base>/cgi-bin/message/template/send; a token the server calls invalid or expired is fetched
  again once.
- LogChannel (development, and any channel not configured): the log, the address masked.
Which is which is decided once at start-up from the settings (build_channels)."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Protocol

import httpx

from shared.config import NotifySettings, SmsSettings, WeChatSettings
from shared.sms import SmsClient, SmsError, mask_phone
from shared.timeutil import utcnow

from . import kinds
from .texts import Message, when

log = logging.getLogger("unionhub.notify.channels")

TOKEN_MARGIN = 300  # seconds before expiry a WeChat token is fetched anew
TOKEN_INVALID = {40001, 40014, 42001}  # invalid or expired access_token: fetch a new one, once
PERMANENT = {40003, 40036, 40037, 43004, 43101}  # bad openid / template, not subscribed, refused


class SendFailed(Exception):
    """The channel did not take the message; `reason` holds no address and no text."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason[:200], permanent


class Channel(Protocol):
    name: str

    def send(self, address: str, message: Message) -> None: ...


def mask_openid(openid: str) -> str:
    return openid[:4] + "***" if len(openid) > 6 else "***"


class LogChannel:
    """Development: the message goes to the log, where a developer reads it."""

    def __init__(self, name: str):
        self.name = name

    def send(self, address: str, message: Message) -> None:
        shown = mask_phone(address) if self.name == kinds.SMS else mask_openid(address)
        log.info("%s to %s: %s (log sender: nothing leaves this machine)", self.name, shown, message.title)


class SmsChannel:
    name = kinds.SMS

    def __init__(self, settings: SmsSettings, template_id: str, transport: httpx.BaseTransport | None = None):
        self.client, self.template_id = SmsClient(settings, transport), template_id

    def send(self, address: str, message: Message) -> None:
        try:
            self.client.send(address, self.template_id, {"title": message.title, "body": message.body},
                             what="a notification")
        except SmsError as exc:
            raise SendFailed(exc.reason, permanent=exc.permanent) from None


class WeChatChannel:
    name = kinds.WECHAT

    def __init__(self, settings: WeChatSettings, public_url: str = "", transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.settings, self.public_url, self.clock = settings, public_url, clock
        self.client = httpx.Client(base_url=settings.api_base, timeout=settings.timeout, transport=transport)
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def _access_token(self, fresh: bool = False) -> str:
        with self._lock:
            if not fresh and self._token and self.clock() < self._expires:
                return self._token
            body = self._call("GET", "/cgi-bin/token", params={
                "grant_type": "client_credential", "appid": self.settings.app_id, "secret": self.settings.app_secret})
            if not body.get("access_token"):
                log.error("WeChat gave no access_token: errcode %s", body.get("errcode"))
                raise SendFailed(f"no access_token (errcode {body.get('errcode')})")
            self._token = str(body["access_token"])
            self._expires = self.clock() + max(60, int(body.get("expires_in") or 7200) - TOKEN_MARGIN)
            return self._token

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            resp = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            log.error("WeChat did not answer (%s)", type(exc).__name__)
            raise SendFailed(f"no answer ({type(exc).__name__})") from None
        if not resp.is_success:
            log.error("WeChat refused: HTTP %d", resp.status_code)
            raise SendFailed(f"HTTP {resp.status_code}",
                             permanent=resp.status_code < 500 and resp.status_code != 429)
        try:
            body = resp.json()
        except ValueError:
            raise SendFailed("an answer that is not JSON") from None
        return body if isinstance(body, dict) else {}

    def send(self, address: str, message: Message) -> None:
        payload = {"touser": address, "template_id": self.settings.template_id,
                   "data": {"first": {"value": message.title}, "keyword1": {"value": message.title},
                            "keyword2": {"value": when(utcnow())}, "remark": {"value": message.body}}}
        if self.public_url and message.link:
            payload["url"] = self.public_url + message.link
        for fresh in (False, True):
            token = self._access_token(fresh=fresh)
            body = self._call("POST", "/cgi-bin/message/template/send", params={"access_token": token}, json=payload)
            code = int(body.get("errcode") or 0)
            if code == 0:
                log.info("WeChat template message sent to %s", mask_openid(address))
                return
            if code in TOKEN_INVALID and not fresh:
                continue
            log.error("WeChat refused a template message: errcode %d", code)
            raise SendFailed(f"errcode {code}", permanent=code in PERMANENT)


def build_channels(sms: SmsSettings | None, settings: NotifySettings) -> dict[str, Channel]:
    """Each channel from the settings checked at start-up; what is not configured goes to the log."""
    out: dict[str, Channel] = {kinds.SMS: LogChannel(kinds.SMS), kinds.WECHAT: LogChannel(kinds.WECHAT)}
    if sms is not None and settings.sms_template_id:
        out[kinds.SMS] = SmsChannel(sms, settings.sms_template_id)
    if settings.wechat is not None:
        out[kinds.WECHAT] = WeChatChannel(settings.wechat, settings.public_url)
    log.info("notify channels: sms -> %s, wechat -> %s", type(out[kinds.SMS]).__name__,
             type(out[kinds.WECHAT]).__name__)
    return out
