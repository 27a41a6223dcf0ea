"""The booking app."""
from __future__ import annotations

from flask import Flask

from shared.app import create_service_app
from shared.config import ServiceConfig

from .views import blp
from .views_ballot import blp as ballot_blp


def create_app(config: ServiceConfig) -> Flask:
    return create_service_app(config, title="Booking", blueprints=[blp, ballot_blp],
                              description="Sign-ups that never overbook, with waiting lists and ballots.")
