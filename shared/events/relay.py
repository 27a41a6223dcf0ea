"""The relay: moves committed outbox rows to the service's Redis Stream, in order.

It also keeps both from growing without end: published rows are deleted after
KEEP_PUBLISHED (kept that long to look into), and the stream is capped at about
STREAM_MAX_LENGTH entries (far more than any consumer is ever behind).

And it notices when Redis lost what it had published (restarted without its
data, failed over to a replica that was behind, flushed): before each batch,
and every CHECK_EVERY seconds when idle, it compares the stream's newest entry
with the newest one it knows was published. If the stream is older or gone,
every row published since the stream's newest entry (all of them if the stream
is gone) is marked unpublished again and goes out once more, in order.
Consumers skip the ids they applied already.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import Table, delete, func, select, update

from ..db import Database
from ..timeutil import utcnow
from .envelope import Envelope

log = logging.getLogger("unionhub.relay")

_WAKE = threading.Event()
KEEP_PUBLISHED = timedelta(days=7)
PRUNE_EVERY = 3600.0  # seconds
STREAM_MAX_LENGTH = 1_000_000
CHECK_EVERY = 1.0  # seconds, when idle
# Entry ids are Redis's clock, published_at the relay's: what compares one with
# the other allows this much between them (re-sending a little more is harmless).
CLOCK_MARGIN_MS = 2000


def envelope_of(row) -> Envelope:
    """The event an outbox row holds."""
    return Envelope(id=row.event_id, type=row.type, source=row.source,
                    occurred_at=row.occurred_at.isoformat(), data=json.loads(row.payload))


def wake_relays() -> None:
    """Called after a commit that wrote events: relays in this process look now."""
    _WAKE.set()


class Relay:
    block_ms = 0  # a runner like the others (run_once(block_ms)); a relay never waits in run_once

    def __init__(self, db: Database, redis, table: Table, stream: str, *, batch: int = 500,
                 poll_interval: float = 0.2, gather: float = 0.02, check_every: float = CHECK_EVERY):
        self.db, self.redis, self.table, self.stream = db, redis, table, stream
        self.batch, self.poll_interval, self.gather, self.check_every = batch, poll_interval, gather, check_every
        self._expect: tuple[int, int] | None = None  # the stream's newest entry is at least this id
        self._checked_at = float("-inf")

    def run_once(self, block_ms: int | None = None) -> int:
        """Publish one batch of unpublished rows; returns how many. (block_ms: as every runner's; unused.)"""
        t = self.table
        with self.db.transaction() as session:
            rows = self._unpublished(session)
            if (rows or time.monotonic() - self._checked_at >= self.check_every) and self._mark_lost(session):
                rows = self._unpublished(session)
            if not rows:
                return 0
            pipe = self.redis.pipeline(transaction=False)
            for row in rows:
                pipe.xadd(self.stream, envelope_of(row).to_fields(), maxlen=STREAM_MAX_LENGTH, approximate=True)
            ids = pipe.execute()
            self._expect = max(self._expect or (0, 0), _entry_id(ids[-1]))
            # If this commit fails, the rows go out again: consumers skip known ids.
            session.execute(update(t).where(t.c.seq.in_([r.seq for r in rows])).values(published_at=utcnow()))
        log.debug("relayed %d event(s) to %s", len(rows), self.stream)
        return len(rows)

    def _unpublished(self, session) -> list:
        t = self.table
        stmt = select(t).where(t.c.published_at.is_(None)).order_by(t.c.seq).limit(self.batch)
        if not self.db.is_sqlite:
            # Several relays may run; each row goes out through one of them.
            stmt = stmt.with_for_update(skip_locked=True)
        return session.execute(stmt).all()

    def _mark_lost(self, session) -> int:
        """If the stream lost entries, mark the rows it lost unpublished; returns how many."""
        t = self.table
        self._checked_at = time.monotonic()
        newest = self.redis.xrevrange(self.stream, count=1)
        last = _entry_id(newest[0][0]) if newest else (0, 0)
        if self._expect is None:  # first look since start: what the outbox says went out
            published = session.scalar(select(func.max(t.c.published_at)))
            self._expect = (_ms(published) - CLOCK_MARGIN_MS, 0) if published else (0, 0)
        if last >= self._expect:
            return 0
        stmt = update(t).where(t.c.published_at.is_not(None))
        if newest:  # what was published after the stream's newest entry (and a margin before it)
            since = datetime.fromtimestamp((last[0] - CLOCK_MARGIN_MS) / 1000, timezone.utc)
            stmt = stmt.where(t.c.published_at >= since)
        again = session.execute(stmt.values(published_at=None)).rowcount
        log.warning("%s lost entries (newest now %s, expected at least %s): publishing %d event(s) again",
                    self.stream, "%d-%d" % last, "%d-%d" % self._expect, again)
        self._expect = last
        return again

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


def _entry_id(entry_id) -> tuple[int, int]:
    ms, _, seq = (entry_id.decode() if isinstance(entry_id, bytes) else entry_id).partition("-")
    return int(ms), int(seq or 0)


def _ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)
