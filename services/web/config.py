"""The web app's settings, from the environment, checked once at start-up."""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from shared.config import ConfigError


@dataclass(frozen=True)
class WebConfig:
    api_url: str | None  # None: the caller gives an in-process transport (all-in-one, tests)
    secret_key: str  # signs the session cookie and the CSRF tokens
    secure_cookies: bool = False  # True: always Secure; False: Secure when the request came over TLS
    api_timeout: float = 10.0


def derive_secret(jwt_secret: str) -> str:
    """A session key of its own, derived from JWT_SECRET when WEB_SECRET_KEY is not set."""
    return hmac.new(jwt_secret.encode(), b"unionhub-web-session", hashlib.sha256).hexdigest()


def load_web_config(jwt_secret: str, env: dict[str, str] | None = None) -> WebConfig:
    env = dict(os.environ if env is None else env)
    api_url = (env.get("WEB_API_URL") or "").strip() or None
    if api_url and not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"WEB_API_URL must start with http:// or https:// (got {api_url!r})")
    secret = env.get("WEB_SECRET_KEY") or ""
    if secret and len(secret) < 32:
        raise ConfigError("WEB_SECRET_KEY must be at least 32 characters")
    secure = (env.get("WEB_SECURE_COOKIES") or "0").strip().lower()
    if secure not in ("0", "1"):
        raise ConfigError(f"WEB_SECURE_COOKIES must be 1 or 0 (got {secure!r})")
    return WebConfig(api_url=api_url.rstrip("/") if api_url else None,
                     secret_key=secret or derive_secret(jwt_secret), secure_cookies=secure == "1")
