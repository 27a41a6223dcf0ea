"""Entry points for the web pages: under gunicorn (`services.web.wsgi:create()`), and in-process."""
from __future__ import annotations

import dataclasses
import sys

import httpx

from shared.config import ConfigError, load_settings, warn_if_dev_secret
from shared.logs import setup_logging

from .app import create_app
from .config import load_web_config


def create():
    """Production: the pages call the API at WEB_API_URL (the gateway)."""
    try:
        settings = load_settings()
        config = load_web_config(settings.jwt_secret)
    except ConfigError as exc:
        sys.exit(f"configuration error: {exc}")
    if not config.api_url:
        sys.exit("configuration error: WEB_API_URL must be set for the web process (e.g. http://gateway:8000)")
    setup_logging(settings.log_level)
    warn_if_dev_secret(settings)
    return create_app(config)


def mount(dispatcher, config):
    """All-in-one and tests: the web app answers every path no service owns, and calls the
    services through the same dispatcher in-process (no socket)."""
    api = type(dispatcher)(dispatcher.apps)  # the services only: an API call never comes back to the pages
    web = create_app(dataclasses.replace(config, api_url=None), transport=httpx.WSGITransport(app=api))
    dispatcher.default = web
    return web
