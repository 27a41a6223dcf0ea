"""Outbox (events to publish) and inbox (events applied) tables, per service."""
from __future__ import annotations

import functools
import json

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, MetaData, String, Table, Text, event, insert
from sqlalchemy.orm import Session

from ..bulk import insert_rows
from ..db import UTCDateTime
from ..timeutil import utcnow
from .envelope import Envelope, _json_default, new_event_id

# SQLite only autoincrements an INTEGER PRIMARY KEY.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


# The columns a writer fills (seq and published_at are the table's and the relay's): event_row() gives
# them for record_event and for a statement that writes its own event (insert_select_sql).
WRITTEN_COLUMNS = ("event_id", "type", "source", "occurred_at", "payload")


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
    row = event_row(table, event_type, data)
    db.execute(_insert_into(table), row)
    if isinstance(db, Session):
        after_commit_wake(db)
    return Envelope(type=event_type, data=data, source=row["source"], id=row["event_id"])


def event_row(table: Table, event_type: str, data: dict) -> dict:
    """The outbox row of one event: a value for each of WRITTEN_COLUMNS."""
    return {"event_id": new_event_id(), "type": event_type, "source": table.name.removesuffix("_outbox"),
            "occurred_at": utcnow(), "payload": json.dumps(data, ensure_ascii=False, default=_json_default)}


def insert_select_sql(table: Table, from_: str, **sql: str) -> str:
    """SQL that writes one event per row of `from_`, for a statement that writes its rows and their event
    in one round trip (booking's one-statement sign-up on PostgreSQL).

    Each of WRITTEN_COLUMNS is the bind parameter of its name (give event_row()'s values) unless `sql`
    gives an SQL expression for it, which may name the columns of `from_`."""
    unknown = set(sql) - set(WRITTEN_COLUMNS)
    if unknown:
        raise ValueError(f"not written columns of {table.name}: {sorted(unknown)}")
    values = ", ".join(sql.get(c, f":{c}") for c in WRITTEN_COLUMNS)
    return f"INSERT INTO {table.name} ({', '.join(WRITTEN_COLUMNS)})\nSELECT {values}\nFROM {from_}"


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
    record_event_rows(db, table, event_rows(table, events))


def event_rows(table: Table, events: list[tuple[str, dict]]) -> list[dict]:
    """The outbox rows of many events (type, data): for a writer that builds them while the database works."""
    return [event_row(table, event_type, data) for event_type, data in events]


def record_event_rows(db: Session | Connection, table: Table, rows: list[dict]) -> None:
    """Rows of event_rows(), written at once in the caller's transaction."""
    if not rows:
        return
    insert_rows(db, table, rows)
    if isinstance(db, Session):
        after_commit_wake(db)
