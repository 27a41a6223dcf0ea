"""The web app: `create_app(config, transport=None)`.

Wires the API client, the session cookie, CSRF, translations, one error
renderer, health and readiness, and the views by audience (views_*.py).
"""
from __future__ import annotations

import importlib
import uuid
from datetime import datetime

import httpx
from flask import Flask, g, jsonify, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, format_datetime
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, errors, labels
from .client import Api, ApiError, ApiUnavailable
from .config import WebConfig

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
VIEW_MODULES = ("views_auth", "views_worker", "views_inbox", "views_staff")  # a module that is not there is skipped


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookie when the request came over TLS (or always, when configured)."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def create_app(config: WebConfig, transport: httpx.BaseTransport | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="unionhub_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        MAX_CONTENT_LENGTH=256 * 1024,
        BABEL_DEFAULT_LOCALE=DEFAULT_LANGUAGE,
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session cookie
        WEB_CONFIG=config,
    )
    app.session_interface = _SessionInterface()
    if config.api_url:  # production: behind the gateway, which sets X-Forwarded-For/-Proto
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.extensions["web.api"] = Api(config.api_url, transport=transport, timeout=config.api_timeout,
                                     by_prefix=config.api_urls)
    Babel(app, locale_selector=_locale)
    CSRFProtect(app)
    _register_template_helpers(app)
    app.before_request(_before)
    app.after_request(_headers)
    _register_health(app)
    errors.register(app)
    for name in VIEW_MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}":
                raise
            continue
        app.register_blueprint(module.bp)
    return app


def _locale() -> str:
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _before() -> None:
    g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
    if request.endpoint in ("healthz", "readyz", "static"):
        return
    auth.load_session()


def _headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _when(value, pattern: str | None = None) -> str:
    """An API time (ISO 8601) as people read it, in Asia/Shanghai."""
    if not value:
        return ""
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    return format_datetime(dt, pattern or _("M月d日 EEE HH:mm"))


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(current_user=auth.current_user, labels=labels, LANGUAGES=LANGUAGES,
                                 current_language=_locale, home_url=lambda: auth.home_url(auth.current_user()))
    app.jinja_env.filters["when"] = _when
    for name, table in labels.TABLES.items():
        app.jinja_env.filters[name] = lambda code, t=table: labels.label(t, code)


def _register_health(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        try:
            app.extensions["web.api"].request("GET", "/catalog/healthz")
            return {"status": "ok", "checks": {"api": "ok"}}
        except (ApiError, ApiUnavailable) as exc:
            resp = jsonify({"type": "unavailable", "title": "Service unavailable", "status": 503,
                            "detail": "The API does not answer.", "checks": {"api": f"error: {type(exc).__name__}"}})
            resp.status_code = 503
            resp.mimetype = "application/problem+json"
            return resp
