"""The services of this project and how to build each one's app and event runners."""
from __future__ import annotations

import importlib
from pathlib import Path

from shared.config import SERVICES, ServiceConfig


def create_app(name: str, config: ServiceConfig):
    return importlib.import_module(f"services.{name}.app").create_app(config)


def has_migrations(name: str) -> bool:
    return (Path(__file__).parent / name / "migrations" / "env.py").exists()


def build_runners(name: str, config: ServiceConfig, db=None, redis=None) -> list:
    """Relays and consumers a service runs (threads in the all-in-one, a process in production)."""
    try:
        module = importlib.import_module(f"services.{name}.worker")
    except ModuleNotFoundError:
        return []
    return module.build_runners(config, db=db, redis=redis)


__all__ = ["SERVICES", "create_app", "has_migrations", "build_runners"]
