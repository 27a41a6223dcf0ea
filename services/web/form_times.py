"""Times between a datetime-local input (the wall clock in Asia/Shanghai) and the API's ISO 8601."""
from __future__ import annotations

from datetime import datetime


def local_time(value: str) -> str | None:
    """A datetime-local value (2026-12-01T09:00) as the API's time in Asia/Shanghai, or None."""
    value = (value or "").strip()
    try:
        parsed = datetime.strptime(value[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return parsed.strftime("%Y-%m-%dT%H:%M:00+08:00")


def input_time(value: str | None) -> str:
    """An API time as a datetime-local input's value (its local wall time)."""
    return (value or "")[:16]
