"""The matching app."""
from __future__ import annotations

from flask import Flask

from shared.app import create_service_app
from shared.config import ServiceConfig

from .views import blp
from .views_imports import blp as imports_blp
from .views_loop import blp as loop_blp
from .views_loop_reports import blp as loop_reports_blp
from .views_reports import blp as reports_blp


def create_app(config: ServiceConfig) -> Flask:
    return create_service_app(config, title="Matching", blueprints=[blp, reports_blp, imports_blp, loop_blp, loop_reports_blp],
                              description="Workers' needs matched to offers; demand per offer; unmet needs.")
