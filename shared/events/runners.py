"""What a service's event process runs: a relay for its outbox, and a consumer
group over the streams of the services whose events it handles."""
from __future__ import annotations

from sqlalchemy import Table

from ..config import ServiceConfig
from ..db import Database
from .consumer import Consumer
from .envelope import stream_name
from .redis import connect_redis
from .relay import Relay


def build_runners(config: ServiceConfig, outbox: Table, inbox: Table | None = None,
                  handlers: dict[str, dict] | None = None, db: Database | None = None, redis=None) -> list:
    """handlers: publishing service -> event type -> handler(session, envelope)."""
    db = db or Database(config.database_url)
    redis = redis or connect_redis(config.redis_url)
    runners: list = [Relay(db, redis, outbox, stream_name(config.stream_prefix, config.name))]
    if handlers:
        streams = {stream_name(config.stream_prefix, svc): h for svc, h in handlers.items()}
        runners.append(Consumer(db, redis, config.name, inbox, streams))
    return runners
