"""The relay: moves committed outbox rows to the service's Redis Stream, in order.

It also keeps both from growing without end: published rows are deleted after
KEEP_PUBLISHED (kept that long to look into), and the stream is capped at about
STREAM_MAX_LENGTH entries (far more than any consumer is ever behind).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import Table, delete, select, update

from ..db import Database
from ..timeutil import utcnow
from .envelope import Envelope

log = logging.getLogger("unionhub.relay")

_WAKE = threading.Event()
KEEP_PUBLISHED = timedelta(days=7)
PRUNE_EVERY = 3600.0  # seconds
STREAM_MAX_LENGTH = 1_000_000


def wake_relays() -> None:
    """Called after a commit that wrote events: relays in this process look now."""
    _WAKE.set()


class Relay:
    def __init__(self, db: Database, redis, table: Table, stream: str, *, batch: int = 500,
                 poll_interval: float = 0.2, gather: float = 0.02):
        self.db, self.redis, self.table, self.stream = db, redis, table, stream
        self.batch, self.poll_interval, self.gather = batch, poll_interval, gather

    def run_once(self) -> int:
        """Publish one batch of unpublished rows; returns how many."""
        t = self.table
        with self.db.transaction() as session:
            stmt = select(t).where(t.c.published_at.is_(None)).order_by(t.c.seq).limit(self.batch)
            if not self.db.is_sqlite:
                # Several relays may run; each row goes out through one of them.
                stmt = stmt.with_for_update(skip_locked=True)
            rows = session.execute(stmt).all()
            if not rows:
                return 0
            pipe = self.redis.pipeline(transaction=False)
            for row in rows:
                env = Envelope(id=row.event_id, type=row.type, source=row.source,
                               occurred_at=row.occurred_at.isoformat(), data=json.loads(row.payload))
                pipe.xadd(self.stream, env.to_fields(), maxlen=STREAM_MAX_LENGTH, approximate=True)
            pipe.execute()
            # If this commit fails, the rows go out again: consumers skip known ids.
            session.execute(update(t).where(t.c.seq.in_([r.seq for r in rows])).values(published_at=utcnow()))
        log.debug("relayed %d event(s) to %s", len(rows), self.stream)
        return len(rows)

    def prune(self, keep: timedelta = KEEP_PUBLISHED) -> int:
        """Delete rows published longer ago than `keep`; returns how many."""
        t = self.table
        with self.db.transaction() as session:
            gone = session.execute(delete(t).where(t.c.published_at < utcnow() - keep)).rowcount
        if gone:
            log.info("pruned %d published event(s) from %s", gone, t.name)
        return gone

    def run_forever(self, stop: threading.Event) -> None:
        log.info("relay started: %s -> %s", self.table.name, self.stream)
        pruned_at = -PRUNE_EVERY  # prune once at start, then every PRUNE_EVERY
        while not stop.is_set():
            if time.monotonic() - pruned_at > PRUNE_EVERY:
                pruned_at = time.monotonic()
                try:
                    self.prune()
                except Exception:
                    log.exception("relay %s could not prune; trying again later", self.table.name)
            try:
                if self.run_once() == self.batch:
                    continue
            except Exception:
                log.exception("relay %s failed; retrying", self.table.name)
                stop.wait(1.0)
                continue
            if _WAKE.wait(self.poll_interval):
                _WAKE.clear()
                # Woken by a commit: wait a moment so that a burst goes out as one batch,
                # not one transaction (and one SQLite write lock) per event.
                stop.wait(self.gather)
        log.info("relay stopped: %s", self.table.name)
