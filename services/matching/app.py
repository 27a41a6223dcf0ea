"""The matching app (profiles, needs, recommendations, demand: issue 3)."""
from __future__ import annotations

from flask import Flask

from shared.app import create_service_app
from shared.config import ServiceConfig


def create_app(config: ServiceConfig) -> Flask:
    return create_service_app(config, title="Matching", blueprints=[],
                              description="Workers' needs matched to offers; demand per offer; unmet needs.")
