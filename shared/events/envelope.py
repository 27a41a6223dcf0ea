"""The event envelope every service writes and reads: id, type, occurred_at, data."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from ..timeutil import utcnow


def stream_name(prefix: str, service: str) -> str:
    """The Redis Stream a service publishes its events to."""
    return f"{prefix}:{service}:events"


def new_event_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Envelope:
    type: str
    data: dict
    source: str
    id: str = field(default_factory=new_event_id)
    occurred_at: str = field(default_factory=lambda: utcnow().isoformat())

    def to_fields(self) -> dict[str, str]:
        return {
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "occurred_at": self.occurred_at,
            "data": json.dumps(self.data, ensure_ascii=False, default=_json_default),
        }

    @classmethod
    def from_fields(cls, fields: dict) -> "Envelope":
        def text(key):
            value = fields.get(key) if key in fields else fields.get(key.encode())
            return value.decode() if isinstance(value, bytes) else value

        return cls(id=text("id"), type=text("type"), source=text("source") or "",
                   occurred_at=text("occurred_at"), data=json.loads(text("data") or "{}"))


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in an event")
