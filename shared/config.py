"""Configuration from the environment, parsed and checked once at start-up.

A bad value raises ConfigError with a message naming the variable; the
entry points turn it into a clean exit. Nothing here opens a connection.
"""
from __future__ import annotations

import ipaddress
import logging
import os
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

log = logging.getLogger(__name__)

SERVICES = ("catalog", "matching", "booking", "accounts", "notify")
DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef"


class ConfigError(ValueError):
    """An environment variable has a value the service cannot run with."""


@dataclass(frozen=True)
class ServiceConfig:
    """What one service app needs to run."""

    name: str
    database_url: str
    redis_url: str | None  # None: the in-process Redis stand-in (fakeredis)
    jwt_secret: str
    stream_prefix: str = "unionhub"
    log_level: str = "INFO"
    # accounts (and notify: sms) only (Settings.service gives them to it alone):
    sms: SmsSettings | None = None  # the SMS gateway; None: sign-in codes go to the log
    trusted_proxies: tuple | None = None  # networks whose X-Forwarded-For it believes; None: loopback
    notify: NotifySettings | None = None  # notify only: its channels and rules; None: the defaults

    @property
    def prefix(self) -> str:
        return f"/{self.name}"


@dataclass(frozen=True)
class SmsSettings:
    """The SMS gateway the accounts service sends sign-in codes through (production)."""

    url: str
    api_key: str
    sign_name: str
    template_id: str
    timeout: float = 5.0


@dataclass(frozen=True)
class WeChatSettings:
    """The WeChat official account notify sends template messages through (production)."""

    app_id: str
    app_secret: str
    template_id: str
    api_base: str = "https://api.weixin.qq.com"
    timeout: float = 5.0


@dataclass(frozen=True)
class NotifySettings:
    """The notify service's channels and rules (notify_settings below reads them from the environment)."""

    sms_template_id: str | None = None  # with the SMS gateway (Settings.sms): texts go out; else the log
    wechat: WeChatSettings | None = None  # None: WeChat messages go to the log
    daily_cap: int = 5  # channel sends per worker, channel and day (Asia/Shanghai)
    max_attempts: int = 5  # then the delivery is `failed`, shown to staff
    retry_seconds: float = 60.0  # back-off: this, doubled after each failed attempt (at most an hour)
    public_url: str = ""  # the site's address, for links in WeChat messages ("" : no link)


@dataclass(frozen=True)
class Settings:
    """The whole process's settings (all-in-one server, workers, CLI)."""

    port: int
    data_dir: Path
    demo: bool
    demo_scale: str  # "small" (300 workers) or "campaign" (10,500 workers, 32,659 needs)
    redis_url: str | None
    jwt_secret: str
    jwt_secret_is_default: bool
    database_urls: dict[str, str]
    stream_prefix: str
    log_level: str
    log_format: str = "plain"  # or "json": one JSON object per line, with the request id
    sms: SmsSettings | None = None  # None: sign-in codes go to the log (development, demo)
    trusted_proxies: tuple = ()  # networks whose X-Forwarded-For the accounts service believes
    notify: NotifySettings = field(default_factory=NotifySettings)

    def service(self, name: str) -> ServiceConfig:
        own = {"sms": self.sms, "trusted_proxies": self.trusted_proxies} if name == "accounts" else {}
        if name == "notify":
            own = {"sms": self.sms, "notify": self.notify}
        return ServiceConfig(
            name=name,
            database_url=self.database_urls[name],
            redis_url=self.redis_url,
            jwt_secret=self.jwt_secret,
            stream_prefix=self.stream_prefix,
            log_level=self.log_level,
            **own,
        )


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{name} must be 1 or 0{' or campaign' if name == 'DEMO' else ''} (got {raw!r})")


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"PORT must be a whole number (got {raw!r})") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"PORT must be between 1 and 65535 (got {port})")
    return port


def normalise_database_url(name: str, raw: str) -> str:
    """Check a database URL and pick psycopg 3 for PostgreSQL."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"{name} is not a database URL (got {raw!r})") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise ConfigError(f"{name} must be a PostgreSQL or SQLite URL (got {raw!r})")
    return url.render_as_string(hide_password=False)


def _redis_url(raw: str | None) -> str | None:
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix:// (got {raw!r})")
    return raw


def _sms(env: dict[str, str]) -> SmsSettings | None:
    url = (env.get("SMS_GATEWAY_URL") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"SMS_GATEWAY_URL must be an http:// or https:// URL (got {url!r})")
    values = {}
    for var in ("SMS_API_KEY", "SMS_SIGN_NAME", "SMS_TEMPLATE_ID"):
        values[var] = (env.get(var) or "").strip()
        if not values[var]:
            raise ConfigError(f"{var} must be set when SMS_GATEWAY_URL is")
    return SmsSettings(url=url, api_key=values["SMS_API_KEY"], sign_name=values["SMS_SIGN_NAME"],
                       template_id=values["SMS_TEMPLATE_ID"])


def _http_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http:// or https:// URL (got {raw!r})")
    return raw.rstrip("/")


def _whole(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high} (got {value})")
    return value


def _wechat(env: dict[str, str]) -> WeChatSettings | None:
    app_id = (env.get("WECHAT_APP_ID") or "").strip()
    if not app_id:
        return None
    values = {}
    for var in ("WECHAT_APP_SECRET", "WECHAT_TEMPLATE_ID"):
        values[var] = (env.get(var) or "").strip()
        if not values[var]:
            raise ConfigError(f"{var} must be set when WECHAT_APP_ID is")
    base = _http_url("WECHAT_API_BASE", (env.get("WECHAT_API_BASE") or "").strip() or "https://api.weixin.qq.com")
    return WeChatSettings(app_id=app_id, app_secret=values["WECHAT_APP_SECRET"],
                          template_id=values["WECHAT_TEMPLATE_ID"], api_base=base)


def notify_settings(env: dict[str, str], sms: SmsSettings | None) -> NotifySettings:
    template = (env.get("NOTIFY_SMS_TEMPLATE_ID") or "").strip() or None
    if template and sms is None:
        raise ConfigError("NOTIFY_SMS_TEMPLATE_ID needs the SMS gateway: set SMS_GATEWAY_URL (and its key) too")
    public = (env.get("PUBLIC_BASE_URL") or "").strip()
    return NotifySettings(
        sms_template_id=template,
        wechat=_wechat(env),
        daily_cap=_whole("NOTIFY_DAILY_CAP", env.get("NOTIFY_DAILY_CAP"), 5, 0, 1000),
        max_attempts=_whole("NOTIFY_MAX_ATTEMPTS", env.get("NOTIFY_MAX_ATTEMPTS"), 5, 1, 50),
        retry_seconds=float(_whole("NOTIFY_RETRY_SECONDS", env.get("NOTIFY_RETRY_SECONDS"), 60, 1, 86_400)),
        public_url=_http_url("PUBLIC_BASE_URL", public) if public else "",
    )


def _trusted_proxies(raw: str | None) -> tuple:
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in (raw if raw is not None else "127.0.0.1,::1").split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"TRUSTED_PROXIES must be addresses or networks separated by commas (got {raw!r})") from None


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("DATA_DIR") or "./var").resolve()
    urls = {}
    for svc in SERVICES:
        var = f"{svc.upper()}_DATABASE_URL"
        raw = env.get(var) or f"sqlite:///{data_dir / (svc + '.db')}"
        urls[svc] = normalise_database_url(var, raw)
    secret = env.get("JWT_SECRET") or ""
    if secret and len(secret) < 32:
        raise ConfigError("JWT_SECRET must be at least 32 characters (HS256 wants a 256-bit key)")
    log_level = (env.get("LOG_LEVEL") or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR (got {log_level!r})")
    log_format = (env.get("LOG_FORMAT") or "plain").strip().lower()
    if log_format not in ("plain", "json"):
        raise ConfigError(f"LOG_FORMAT must be plain or json (got {env.get('LOG_FORMAT')!r})")
    sms = _sms(env)
    return Settings(
        port=_port(env.get("PORT") or "8000"),
        data_dir=data_dir,
        demo=env.get("DEMO", "1").strip().lower() == "campaign" or _bool("DEMO", env.get("DEMO", "1")),
        demo_scale="campaign" if env.get("DEMO", "1").strip().lower() == "campaign" else "small",
        redis_url=_redis_url(env.get("REDIS_URL")),
        jwt_secret=secret or DEV_JWT_SECRET,
        jwt_secret_is_default=not secret,
        database_urls=urls,
        stream_prefix=env.get("EVENTS_STREAM_PREFIX") or "unionhub",
        log_level=log_level,
        log_format=log_format,
        sms=sms,
        trusted_proxies=_trusted_proxies(env.get("TRUSTED_PROXIES")),
        notify=notify_settings(env, sms),
    )


def warn_if_dev_secret(settings: Settings) -> None:
    if settings.jwt_secret_is_default:
        log.warning("JWT_SECRET is not set: using the development secret. Never do this in production.")
