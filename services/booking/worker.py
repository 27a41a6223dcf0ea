"""Booking's event process: relays its outbox; consumes catalog's offers and matching's profiles."""
from __future__ import annotations

from shared.config import ServiceConfig
from shared.db import Database
from shared.events import stream_name
from shared.events.consumer import Consumer
from shared.events.redis import connect_redis
from shared.events.relay import Relay

from .events import handlers
from .models import inbox, outbox


def build_runners(config: ServiceConfig, db: Database | None = None, redis=None) -> list:
    db = db or Database(config.database_url)
    redis = redis or connect_redis(config.redis_url)
    consumed = {stream_name(config.stream_prefix, svc): h for svc, h in handlers().items()}
    return [Relay(db, redis, outbox, stream_name(config.stream_prefix, "booking")),
            Consumer(db, redis, "booking", inbox, consumed)]


def main() -> None:
    from services.cli import run_worker

    run_worker("booking")


if __name__ == "__main__":
    main()
