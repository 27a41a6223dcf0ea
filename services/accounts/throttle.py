"""Fixed-window counters and locks in the accounts database (not Redis: a sign-in limit must hold
even when Redis does not answer). Each call is its own short transaction, so a count survives the
request's rollback (a failed sign-in answers 4xx) and no lock is held while a password is hashed."""
from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.db import Database, UTCDateTime
from shared.errors import RateLimited

from .models import Throttle


def hit(db: Database, key: str, now: datetime, window: timedelta) -> tuple[int, datetime]:
    """Count one more event for key; a window older than `window` starts again at 1. One statement."""
    insert = sqlite_insert if db.is_sqlite else pg_insert
    expired = Throttle.window_start <= literal(now - window, UTCDateTime())
    stmt = insert(Throttle).values(key=key, window_start=now, count=1, locked_until=None)
    stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={
        "count": case((expired, 1), else_=Throttle.count + 1),
        "window_start": case((expired, literal(now, UTCDateTime())), else_=Throttle.window_start),
    }).returning(Throttle.count, Throttle.window_start)
    with db.transaction() as session:
        count, start = session.execute(stmt).one()
    return count, start


def lock(db: Database, key: str, until: datetime) -> None:
    with db.transaction() as session:
        session.execute(update(Throttle).where(Throttle.key == key).values(locked_until=until))


def locked_until(db: Database, key: str, now: datetime) -> datetime | None:
    with db.transaction() as session:
        until = session.scalar(select(Throttle.locked_until).where(Throttle.key == key))
    return until if until is not None and until > now else None


def clear(db: Database, key: str) -> None:
    with db.transaction() as session:
        session.execute(delete(Throttle).where(Throttle.key == key))


def seconds_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def too_many(detail: str, until: datetime, now: datetime, **extra) -> RateLimited:
    retry = seconds_until(until, now)
    return RateLimited(f"{detail} Try again in {retry} s.", headers={"Retry-After": retry},
                       extra={"retry_after": retry, **extra})


def limit(db: Database, key: str, now: datetime, window: timedelta, most: int, detail: str) -> None:
    """Count a request; past `most` in the window, 429 with Retry-After (the window's end)."""
    count, start = hit(db, key, now, window)
    if count > most:
        raise too_many(detail, start + window, now)


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted: tuple) -> str:
    """The caller's address: X-Forwarded-For is believed only when it comes from a trusted proxy,
    read from the right, skipping trusted hops (so a client cannot forge its way past a limit)."""
    chain = [remote_addr or "unknown"]
    if forwarded_for:
        chain = [part.strip() for part in forwarded_for.split(",") if part.strip()] + chain
    for address in reversed(chain):
        if not _is_trusted(address, trusted):
            return address[:45]
    return chain[0][:45]


def _is_trusted(address: str, trusted: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


KEEP = timedelta(days=1)  # longer than any window or lock
PURGE_EVERY = timedelta(minutes=10)
_last_purge: dict[str, datetime] = {}


def purge(db: Database, now: datetime) -> int:
    """Delete counters whose window and lock ended a day ago, and codes dead for a day: nothing grows without end."""
    from .models import Code

    cutoff = literal(now - KEEP, UTCDateTime())
    with db.transaction() as session:
        gone = session.execute(delete(Throttle).where(
            Throttle.window_start < cutoff,
            (Throttle.locked_until.is_(None)) | (Throttle.locked_until < cutoff))).rowcount
        gone += session.execute(delete(Code).where(Code.expires_at < cutoff)).rowcount
    return gone


def purge_now_and_then(db: Database, now: datetime) -> None:
    """purge() at most once every 10 minutes per process and database (called on the sign-in paths)."""
    last = _last_purge.get(db.url)
    if last is not None and abs(now - last) < PURGE_EVERY:
        return
    _last_purge[db.url] = now
    purge(db, now)
