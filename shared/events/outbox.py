"""Outbox (events to publish) and inbox (events applied) tables, per service."""
from __future__ import annotations

import functools
import json
import os

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, MetaData, String, Table, Text, event, insert
from sqlalchemy.orm import Session

from ..bulk import insert_rows
from ..db import UTCDateTime
from ..timeutil import utcnow
from .envelope import Envelope, _json_default

# SQLite only autoincrements an INTEGER PRIMARY KEY.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData, service: str) -> Table:
    name = f"{service}_outbox"
    return Table(
        name, metadata,
        Column("seq", SeqType, primary_key=True, autoincrement=True),
        Column("event_id", String(40), nullable=False, unique=True),
        Column("type", String(64), nullable=False),
        Column("source", String(32), nullable=False),
        Column("occurred_at", UTCDateTime(), nullable=False),
        Column("payload", Text, nullable=False),
        Column("published_at", UTCDateTime(), nullable=True),
        Index(f"ix_{name}_unpublished", "published_at", "seq"),
    )


def inbox_table(metadata: MetaData, service: str) -> Table:
    return Table(
        f"{service}_inbox", metadata,
        Column("event_id", String(40), primary_key=True),
        Column("type", String(64), nullable=False),
        Column("applied_at", UTCDateTime(), nullable=False),
    )


def record_event(db: Session | Connection, table: Table, event_type: str, data: dict) -> Envelope:
    """Write an event in the caller's transaction; the relay publishes it after commit.

    On a Session, relays in this process are woken after the commit; on a bare
    Connection the caller calls `wake_relays()` once it has committed."""
    source = table.name.removesuffix("_outbox")
    env = Envelope(type=event_type, data=data, source=source)
    db.execute(_insert_into(table), {
        "event_id": env.id, "type": env.type, "source": source, "occurred_at": utcnow(),
        "payload": json.dumps(data, ensure_ascii=False, default=_json_default),
    })
    if isinstance(db, Session):
        after_commit_wake(db)
    return env


@functools.cache
def _insert_into(table: Table):
    return insert(table)  # built once per outbox: SQLAlchemy caches its compiled form on the object


def after_commit_wake(session: Session) -> None:
    """Once this transaction commits, relays in this process look at the outbox at once."""
    if session.info.get("wake_relays"):
        return
    session.info["wake_relays"] = True

    @event.listens_for(session, "after_commit", once=True)
    def _wake(_session):
        from .relay import wake_relays

        session.info.pop("wake_relays", None)
        wake_relays()


def record_events(db: Session | Connection, table: Table, events: list[tuple[str, dict]]) -> None:
    """Many events in the caller's transaction, written at once (a draw's thousands of results)."""
    if not events:
        return
    source = table.name.removesuffix("_outbox")
    now = utcnow()
    ids = os.urandom(16 * len(events)).hex()  # as new_event_id(): 32 random hex digits each, drawn at once
    insert_rows(db, table, [
        {"event_id": ids[32 * i:32 * i + 32], "type": event_type, "source": source,
         "occurred_at": now, "payload": json.dumps(data, ensure_ascii=False, default=_json_default)}
        for i, (event_type, data) in enumerate(events)])
    if isinstance(db, Session):
        after_commit_wake(db)
