"""Idempotency-Key: the same key from the same caller gets the first answer again.

begin() commits an in_flight marker in its own short transaction, so a repeat
that arrives while the first is still working sees it (409 + Retry-After).
complete() stores the answer in the sign-up's own transaction: the booking
and its stored answer commit together or not at all. release() forgets the key
when the answer was an error (409, 422, 429, 5xx are never stored).
sign_up_once() runs a sign-up under a key with all three.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Callable, NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.db import Database
from shared.errors import Conflict, ValidationFailed
from shared.timeutil import utcnow

from .models import IdempotencyKey
from .signup import SignUp, sign_up_in_transaction

STALE_AFTER = timedelta(seconds=30)  # an in_flight marker older than this was left by a dead request


def fingerprint(method: str, path: str, body: dict) -> str:
    raw = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def check_key(key: str) -> str:
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ValidationFailed({"Idempotency-Key": ["Give 1 to 200 printable characters."]})
    return key


class Replay(NamedTuple):
    """The stored first answer, to send again."""

    status: int
    body: str


def sign_up_once(database: Database, principal: Principal, key: str, request_print: str, session_id: str,
                 worker_id: str | None, *, admit: Callable[[], None], dump: Callable[[SignUp], str]) -> SignUp | Replay:
    """Sign up under an Idempotency-Key: the first answer again (a Replay), or a new sign-up whose answer,
    `dump(result)`, commits with the booking. `admit` (the rate limits) runs only when it is not a replay,
    so a retry of an acknowledged request is never refused. On any error the key is forgotten."""
    stored = begin(database, principal.sub, key, request_print)
    if stored is not None:
        return Replay(*stored)
    try:
        admit()
        with database.transaction() as tx:  # the stored answer commits with the booking, or neither does
            result = sign_up_in_transaction(tx, principal, session_id, worker_id)
            complete(tx, principal.sub, key, 201, dump(result))
        return result
    except BaseException:
        release(database, principal.sub, key)  # after the rollback: the database is let go of first
        raise


def begin(database: Database, caller: str, key: str, request_print: str) -> tuple[int, str] | None:
    """None: go ahead (the key is ours). Otherwise the stored (status, body) to send again."""
    try:
        with database.transaction() as tx:
            tx.add(IdempotencyKey(caller=caller, key=key, fingerprint=request_print, state="in_flight",
                                  created_at=utcnow()))
        return None
    except IntegrityError:
        pass
    with database.transaction() as tx:
        row = tx.scalars(select(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key)
                        .with_for_update()).first()
        if row is None:  # released meanwhile: take it
            tx.add(IdempotencyKey(caller=caller, key=key, fingerprint=request_print, state="in_flight",
                                  created_at=utcnow()))
            return None
        if row.fingerprint != request_print:
            raise Conflict("This Idempotency-Key was used for a different request.", slug="idempotency-key-reused",
                           title="Idempotency-Key reused")
        if row.state == "done":
            return row.status_code, row.body
        if utcnow() - row.created_at > STALE_AFTER:
            row.created_at = utcnow()
            return None
    raise Conflict("A request with this Idempotency-Key is still being handled; try again shortly.",
                   slug="request-in-progress", title="Request in progress", headers={"Retry-After": 1})


def complete(tx: Session, caller: str, key: str, status: int, body: str) -> None:
    tx.execute(update(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key)
              .values(state="done", status_code=status, body=body))


def release(database: Database, caller: str, key: str) -> None:
    with database.transaction() as tx:
        tx.execute(delete(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key,
                                               IdempotencyKey.state == "in_flight"))
