"""The notify app: the inbox, channel preferences, deliveries for staff."""
from __future__ import annotations

from flask import Flask

from shared.app import create_service_app
from shared.config import ServiceConfig

from .views import blp


def create_app(config: ServiceConfig) -> Flask:
    return create_service_app(config, title="Notify", blueprints=[blp],
                              description="Every worker's inbox (and staff's, per union), fed by the other "
                                          "services' events; SMS and WeChat as channels the worker may turn off.")
