"""What a service's event process runs: a relay for its outbox, a consumer
group over the streams of the services whose events it handles, and pollers
for work found by a query on the database (due timers, queued jobs)."""
from __future__ import annotations

import logging
import threading
from typing import Callable, Protocol

from sqlalchemy import Table

from ..config import ServiceConfig
from ..db import Database
from .consumer import Consumer
from .envelope import stream_name
from .streams import connect_redis
from .relay import Relay

log = logging.getLogger("unionhub.poller")


class Runner(Protocol):
    """What build_runners returns: relays, consumers and pollers, run alike by tests, bench and threads."""

    block_ms: int  # the longest run_once may wait for work (only a consumer waits)

    def run_once(self, block_ms: int | None = None) -> int: ...

    def run_forever(self, stop: threading.Event) -> None: ...


class Poller:
    """Runs step() (returns how much it did) again at once while it finds work, else every `interval` s.

    The work is found by a query on state, so any number of processes may run the same
    poller and a restart loses nothing; step() itself must be safe to run concurrently."""

    block_ms = 0  # never waits in run_once

    def __init__(self, name: str, step: Callable[[], int], interval: float = 1.0):
        self.name, self.step, self.interval = name, step, interval

    def run_once(self, block_ms: int | None = None) -> int:
        return self.step()

    def run_forever(self, stop: threading.Event) -> None:
        log.info("poller %s started", self.name)
        while not stop.is_set():
            try:
                if self.step():
                    continue
            except Exception:
                log.exception("poller %s failed; retrying", self.name)
            stop.wait(self.interval)
        log.info("poller %s stopped", self.name)


def build_runners(config: ServiceConfig, outbox: Table | None, inbox: Table | None = None,
                  handlers: dict[str, dict] | None = None, db: Database | None = None, redis=None,
                  pollers: dict[str, tuple[Callable[[Database], int], float]] | None = None) -> list[Runner]:
    """outbox: None for a service that publishes nothing (notify);
    handlers: publishing service -> event type -> handler(session, envelope);
    pollers: name -> (step(db) -> how much it did, seconds between looks when idle)."""
    db = db or Database(config.database_url)
    redis = redis or connect_redis(config.redis_url)
    runners: list[Runner] = [] if outbox is None else [
        Relay(db, redis, outbox, stream_name(config.stream_prefix, config.name))]
    if handlers:
        streams = {stream_name(config.stream_prefix, svc): h for svc, h in handlers.items()}
        runners.append(Consumer(db, redis, config.name, inbox, streams))
    for name, (step, interval) in (pollers or {}).items():
        runners.append(Poller(f"{config.name}-{name}", lambda step=step: step(db), interval))
    return runners
