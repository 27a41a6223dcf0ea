"""Idempotency-Key: the same key from the same caller gets the first answer again.

begin() commits an in_flight marker in its own short transaction, so a repeat
that arrives while the first is still working sees it (409 + Retry-After).
complete() stores the answer in the request's own transaction: the booking
and its stored answer commit together or not at all. release() forgets the key
when the answer was an error (409, 422, 429, 5xx are never stored).
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from shared.db import Database
from shared.errors import Conflict, ValidationFailed
from shared.timeutil import utcnow

from .models import IdempotencyKey

STALE_AFTER = timedelta(seconds=30)  # an in_flight marker older than this was left by a dead request


def fingerprint(method: str, path: str, body: dict) -> str:
    raw = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def check_key(key: str) -> str:
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ValidationFailed({"Idempotency-Key": ["Give 1 to 200 printable characters."]})
    return key


def begin(db: Database, caller: str, key: str, fingerprint: str) -> tuple[int, str] | None:
    """None: go ahead (the key is ours). Otherwise the stored (status, body) to send again."""
    try:
        with db.transaction() as s:
            s.add(IdempotencyKey(caller=caller, key=key, fingerprint=fingerprint, state="in_flight", created_at=utcnow()))
        return None
    except IntegrityError:
        pass
    with db.transaction() as s:
        row = s.scalars(select(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key)
                        .with_for_update()).first()
        if row is None:  # released meanwhile: take it
            s.add(IdempotencyKey(caller=caller, key=key, fingerprint=fingerprint, state="in_flight", created_at=utcnow()))
            return None
        if row.fingerprint != fingerprint:
            raise Conflict("This Idempotency-Key was used for a different request.", slug="idempotency-key-reused",
                           title="Idempotency-Key reused")
        if row.state == "done":
            return row.status_code, row.body
        if utcnow() - row.created_at > STALE_AFTER:
            row.created_at = utcnow()
            return None
    raise Conflict("A request with this Idempotency-Key is still being handled; try again shortly.",
                   slug="request-in-progress", title="Request in progress", headers={"Retry-After": 1})


def complete(s: DbSession, caller: str, key: str, status: int, body: str) -> None:
    s.execute(update(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key)
              .values(state="done", status_code=status, body=body))


def release(db: Database, caller: str, key: str) -> None:
    with db.transaction() as s:
        s.execute(delete(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key,
                                               IdempotencyKey.state == "in_flight"))
