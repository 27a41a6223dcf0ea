"""Consumer-group runner: apply each event once, ack after commit, reclaim the dead's.

For each batch read: open a transaction, record every event id in the inbox
(a primary key, so an id already applied is skipped), run the handlers,
commit, then XACK the batch. If anything in a batch fails, nothing of it was
committed, and its entries are applied again one transaction each, so one bad
event cannot hold up the others. A consumer that dies before its ACK leaves the entry pending;
another consumer reclaims it with XAUTOCLAIM once it has been idle long enough.
An entry whose handler keeps failing goes to a dead-letter stream.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Callable

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError, TimeoutError as RedisTimeoutError
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from ..db import Database
from ..timeutil import utcnow
from .envelope import Envelope
from .streams import is_fake

log = logging.getLogger("unionhub.consumer")

Handler = Callable[[Session, Envelope], None]
# The database or Redis not answering is no fault of the event: it is tried again
# (its own pending entries first) and never counted towards the dead-letter stream.
OUTAGE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def _outage(exc: Exception) -> bool:
    """Not the event's fault: the database or Redis failed, or Redis lost the group."""
    return isinstance(exc, OUTAGE) or (isinstance(exc, ResponseError) and "NOGROUP" in str(exc))


class Consumer:
    def __init__(self, db: Database, redis, group: str, inbox: Table, handlers: dict[str, dict[str, Handler]],
                 *, name: str | None = None, claim_idle_ms: int = 30_000, block_ms: int = 1000,
                 batch: int = 200, max_attempts: int = 5):
        self.db, self.redis, self.group, self.inbox = db, redis, group, inbox
        self.handlers = handlers  # stream -> event type -> handler
        self.name = name or f"{group}-{socket.gethostname()}-{os.getpid()}-{threading.get_ident()}"
        self.claim_idle_ms, self.block_ms, self.batch, self.max_attempts = claim_idle_ms, block_ms, batch, max_attempts
        self._attempts: dict[str, int] = {}
        self._claim_cursor = {stream: "0-0" for stream in handlers}
        self._groups_ready = False
        self._own_pending = True  # entries delivered to this name and not acknowledged: read them first

    def ensure_groups(self) -> None:
        for stream in self.handlers:
            try:
                self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        self._groups_ready = True

    def run_once(self, block_ms: int | None = None) -> int:
        """Reclaim what the dead left, then read new entries; returns how many were handled.

        If Redis lost a stream (restarted without its data, failed over, flushed),
        its group went with it: the groups are made again, reading the stream from
        its start (the relay publishes again what the stream lost; the inbox skips
        what was applied already)."""
        if not self._groups_ready:
            self.ensure_groups()
        try:
            return self._read(block_ms)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            log.warning("%s: a consumer group is gone (Redis lost its data?); making the groups again", self.group)
            self._groups_ready = False
            self._claim_cursor = {stream: "0-0" for stream in self.handlers}
            self._attempts.clear()
            self.ensure_groups()
            return self._read(block_ms)

    def _read(self, block_ms: int | None) -> int:
        handled = 0
        if self._own_pending:  # at start and after an outage: what this name was given and did not finish
            self._own_pending = False
            response = self.redis.xreadgroup(self.group, self.name, {s: "0" for s in self.handlers}, count=self.batch)
            for stream, entries in response or []:
                self._own_pending |= len(entries) == self.batch  # more to read next time
                handled += self._handle_all(stream, self._live(stream, entries))
        for stream in self.handlers:
            cursor, entries, *_ = self.redis.xautoclaim(stream, self.group, self.name, self.claim_idle_ms,
                                                        start_id=self._claim_cursor[stream], count=self.batch)
            self._claim_cursor[stream] = cursor
            live = self._live(stream, entries)
            for entry_id, _ in live:
                log.info("reclaimed %s from %s for %s", entry_id, stream, self.group)
            handled += self._handle_all(stream, live)
        block = self.block_ms if block_ms is None else block_ms
        response = self.redis.xreadgroup(self.group, self.name, {s: ">" for s in self.handlers},
                                         count=self.batch, block=block or None)
        for stream, entries in response or []:
            handled += self._handle_all(stream, entries)
        return handled

    def _live(self, stream: str, entries: list) -> list:
        """Pending entries still in the stream; those trimmed away meanwhile are acknowledged."""
        gone = [entry_id for entry_id, fields in entries if fields is None]
        if gone:
            self.redis.xack(stream, self.group, *gone)
        return [(entry_id, fields) for entry_id, fields in entries if fields is not None]

    def _handle_all(self, stream: str, entries: list) -> int:
        parsed = [(entry_id, Envelope.from_fields(fields), fields) for entry_id, fields in entries]
        if len(parsed) > 1:
            try:
                return self._apply(stream, parsed)
            except Exception as exc:  # a handler failed or a constraint refused: nothing was committed
                if _outage(exc):
                    raise
                log.info("%s: a batch of %d from %s failed (%s); applying them one at a time",
                         self.group, len(parsed), stream, type(exc).__name__)
        return sum(self._handle(stream, entry) for entry in parsed)

    def _apply(self, stream: str, parsed: list) -> int:
        """Entries in one transaction, then one XACK for the lot; returns how many had a handler."""
        todo = [(env, self.handlers[stream][env.type]) for _, env, _ in parsed if env.type in self.handlers[stream]]
        if todo:
            with self.db.transaction() as session:
                seen = set(session.scalars(select(self.inbox.c.event_id)
                                           .where(self.inbox.c.event_id.in_({env.id for env, _ in todo}))))
                for env, handler in todo:
                    if env.id in seen:
                        log.info("%s: event %s (%s) already applied; skipping", self.group, env.id, env.type)
                        continue
                    seen.add(env.id)
                    session.execute(insert(self.inbox), {"event_id": env.id, "type": env.type,
                                                         "applied_at": utcnow()})
                    handler(session, env)
        ids = [entry_id for entry_id, _, _ in parsed]
        self.redis.xack(stream, self.group, *ids)
        for entry_id in ids:
            self._attempts.pop(entry_id, None)
        return len(todo)

    def _handle(self, stream: str, entry: tuple) -> int:
        """One entry in its own transaction: a failure is retried, then dead-lettered."""
        entry_id, env, fields = entry
        try:
            return self._apply(stream, [entry])
        except IntegrityError:
            log.info("%s: event %s applied concurrently; skipping", self.group, env.id)
        except Exception as exc:
            if _outage(exc):
                raise
            attempts = self._attempts.get(entry_id, 0) + 1
            self._attempts[entry_id] = attempts
            log.exception("%s: handling %s (%s) failed, attempt %d", self.group, env.id, env.type, attempts)
            if attempts < self.max_attempts:
                return 0  # stays pending; reclaimed and retried later
            self.redis.xadd(f"{stream}:dead:{self.group}", fields)
            log.error("%s: event %s moved to the dead-letter stream after %d attempts", self.group, env.id, attempts)
        self._attempts.pop(entry_id, None)
        self.redis.xack(stream, self.group, entry_id)
        return 1

    def run_forever(self, stop: threading.Event) -> None:
        log.info("consumer %s started on %s", self.name, ", ".join(self.handlers))
        fake = is_fake(self.redis)
        while not stop.is_set():
            try:
                handled = self.run_once(block_ms=0 if fake else None)
            except Exception:
                log.exception("consumer %s failed; retrying", self.name)
                self._own_pending = True
                stop.wait(1.0)
                continue
            if fake and not handled:
                time.sleep(0.1)  # fakeredis does not block on XREADGROUP
        log.info("consumer %s stopped", self.name)
