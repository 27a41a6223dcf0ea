"""WSGI entry points for gunicorn: `gunicorn 'services.wsgi:create("booking")'`."""
from __future__ import annotations

import sys

from shared.config import ConfigError, load_settings, warn_if_dev_secret
from shared.logs import setup_logging

from . import registry


def create(name: str):
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.exit(f"configuration error: {exc}")
    setup_logging(settings.log_level, settings.log_format)
    warn_if_dev_secret(settings)
    return registry.create_app(name, settings.service(name))
