"""The web app's settings, from the environment, checked once at start-up."""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field

from shared.config import ConfigError


@dataclass(frozen=True)
class WebConfig:
    api_url: str | None  # None: the caller gives an in-process transport (all-in-one, tests)
    secret_key: str  # signs the session cookie and the CSRF tokens
    # Where each prefix answers, when there is no gateway (make run-prod without nginx): {"catalog": url, ...}
    api_urls: dict = field(default_factory=dict)
    secure_cookies: bool = False  # True: always Secure; False: Secure when the request came over TLS
    api_timeout: float = 10.0


def derive_secret(jwt_secret: str) -> str:
    """A session key of its own, derived from JWT_SECRET when WEB_SECRET_KEY is not set."""
    return hmac.new(jwt_secret.encode(), b"unionhub-web-session", hashlib.sha256).hexdigest()


def load_web_config(jwt_secret: str, env: dict[str, str] | None = None) -> WebConfig:
    env = dict(os.environ if env is None else env)
    api_url, api_urls = _api_urls(env.get("WEB_API_URL") or "")
    secret = env.get("WEB_SECRET_KEY") or ""
    if secret and len(secret) < 32:
        raise ConfigError("WEB_SECRET_KEY must be at least 32 characters")
    secure = (env.get("WEB_SECURE_COOKIES") or "0").strip().lower()
    if secure not in ("0", "1"):
        raise ConfigError(f"WEB_SECURE_COOKIES must be 1 or 0 (got {secure!r})")
    return WebConfig(api_url=api_url, api_urls=api_urls,
                     secret_key=secret or derive_secret(jwt_secret), secure_cookies=secure == "1")


def _api_urls(raw: str) -> tuple[str | None, dict]:
    """`http://gateway:8000`, or without a gateway `catalog=http://127.0.0.1:8001,matching=...`."""
    raw = raw.strip()
    if not raw:
        return None, {}
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    named = dict(p.split("=", 1) for p in parts if "=" in p)
    plain = [p for p in parts if "=" not in p]
    if len(plain) > 1 or (plain and named):
        raise ConfigError("WEB_API_URL is one URL, or prefix=URL pairs separated by commas")
    for url in [*plain, *named.values()]:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"WEB_API_URL must use http:// or https:// URLs (got {url!r})")
    if plain:
        return plain[0].rstrip("/"), {}
    return next(iter(named.values())).rstrip("/"), {k.strip(): v.rstrip("/") for k, v in named.items()}
