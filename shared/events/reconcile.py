"""After a fault: what each consumer applied against what the producers wrote, and re-sending a window.

`check` walks a producer's outbox (the rows of the types a consumer handles)
and looks each event id up in the consumer's inbox: an event written but
never applied is a gap. The relay prunes outbox rows a week after publishing
them and inboxes are never pruned, so the outbox is the side walked.

`replay` adds a window of outbox rows to the producer's stream again.
Consumers skip the ids in their inbox, so sending too much is harmless.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Table, select

from ..db import Database
from ..timeutil import utcnow
from .relay import STREAM_MAX_LENGTH, envelope_of

CHUNK = 1000


@dataclass
class Gap:
    """One consumer against one producer's outbox."""

    consumer: str
    producer: str
    written: int = 0  # outbox rows of the types the consumer handles
    applied: int = 0  # of those, in the consumer's inbox
    missing: int = 0  # not applied, written longer ago than the grace period
    in_flight: int = 0  # not applied, written within it
    oldest_missing: datetime | None = None
    examples: list[str] = field(default_factory=list)  # "type id" of the first few missing

    def as_dict(self) -> dict:
        return {**self.__dict__, "oldest_missing": self.oldest_missing.isoformat() if self.oldest_missing else None}


def check(consumer: str, inbox_db: Database, inbox: Table, producer: str, outbox_db: Database, outbox: Table,
          types: set[str], *, since: datetime | None = None, grace: timedelta = timedelta(seconds=60)) -> Gap:
    gap = Gap(consumer, producer)
    horizon = utcnow() - grace
    stmt = (select(outbox.c.event_id, outbox.c.type, outbox.c.occurred_at)
            .where(outbox.c.type.in_(sorted(types))).order_by(outbox.c.seq))
    if since is not None:
        stmt = stmt.where(outbox.c.occurred_at >= since)
    with outbox_db.engine.connect() as out_conn, inbox_db.engine.connect() as in_conn:
        rows = out_conn.execution_options(yield_per=CHUNK).execute(stmt)
        for chunk in rows.partitions(CHUNK):
            ids = [r.event_id for r in chunk]
            applied = set(in_conn.scalars(select(inbox.c.event_id).where(inbox.c.event_id.in_(ids))))
            gap.written += len(ids)
            gap.applied += len(applied)
            for r in chunk:
                if r.event_id in applied:
                    continue
                if r.occurred_at > horizon:
                    gap.in_flight += 1
                    continue
                gap.missing += 1
                if gap.oldest_missing is None:
                    gap.oldest_missing = r.occurred_at
                if len(gap.examples) < 5:
                    gap.examples.append(f"{r.type} {r.event_id}")
    return gap


def replay(db: Database, outbox: Table, redis, stream: str, since: datetime, until: datetime | None = None) -> int:
    """Add the published rows that occurred in [since, until) to the stream again, in order; returns how many."""
    stmt = (select(outbox).where(outbox.c.published_at.is_not(None), outbox.c.occurred_at >= since)
            .order_by(outbox.c.seq))
    if until is not None:
        stmt = stmt.where(outbox.c.occurred_at < until)
    sent = 0
    with db.engine.connect() as conn:
        for chunk in conn.execution_options(yield_per=CHUNK).execute(stmt).partitions(CHUNK):
            pipe = redis.pipeline(transaction=False)
            for row in chunk:
                pipe.xadd(stream, envelope_of(row).to_fields(), maxlen=STREAM_MAX_LENGTH, approximate=True)
            pipe.execute()
            sent += len(chunk)
    return sent
