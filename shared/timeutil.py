"""Times: stored in UTC, shown in Asia/Shanghai with an offset."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_today(at: datetime | None = None) -> date:
    return (at or utcnow()).astimezone(LOCAL_TZ).date()


def to_local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(LOCAL_TZ)


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 time that carries an offset (events use this)."""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError(f"time without an offset: {value!r}")
    return dt
