"""The booking app (sign-ups, capacity, waiting lists, check-in: issue 4)."""
from __future__ import annotations

from flask import Flask

from shared.app import create_service_app
from shared.config import ServiceConfig


def create_app(config: ServiceConfig) -> Flask:
    return create_service_app(config, title="Booking",  blueprints=[],
                              description="Sign-ups that never overbook, with waiting lists.")
