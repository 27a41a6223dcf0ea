"""Catalog's event process: relays catalog's outbox to its stream (it consumes nothing)."""
from __future__ import annotations

from shared.config import ServiceConfig
from shared.db import Database
from shared.events import stream_name
from shared.events.redis import connect_redis
from shared.events.relay import Relay

from .models import outbox


def build_runners(config: ServiceConfig, db: Database | None = None, redis=None) -> list:
    db = db or Database(config.database_url)
    redis = redis or connect_redis(config.redis_url)
    return [Relay(db, redis, outbox, stream_name(config.stream_prefix, "catalog"))]


def main() -> None:
    from services.cli import run_worker

    run_worker("catalog")


if __name__ == "__main__":
    main()
