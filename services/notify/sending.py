"""Channel sends: deliveries are due rows the worker polls (`send_due`, a Poller).

One step:
1. claim (one transaction): due deliveries, FOR UPDATE SKIP LOCKED. In quiet hours a delivery that
   is not urgent is `held` until 08:00. A channel turned off, or without an address, is `skipped`;
   so is a first attempt over the worker's daily cap (a conditional UPDATE of its count). The
   others become `sending`, with a lease: due again if this worker dies before step 3.
2. send each (no transaction open, no lock held while the channel answers);
3. record (one transaction): `sent`; or, after a failure, due again after a back-off, until the
   last attempt or a refusal for good makes it `failed` (staff see those: GET /notify/deliveries).
A delivery claimed by two workers at once cannot happen (the row lock; SQLite has one writer)."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shared.config import NotifySettings
from shared.db import Database
from shared.timeutil import utcnow

from . import kinds, rules
from .channels import Channel, SendFailed
from .inbox import channels_for, insert_ignoring_duplicates
from .models import DailySend, Delivery, Notification, Preference
from .texts import Message

log = logging.getLogger("unionhub.notify.sending")

BATCH = 20  # claimed at once: at a 5 s channel timeout each, well inside the lease
LEASE = timedelta(minutes=5)
KEEP_DAYS = 3  # daily counts older than this are deleted
PRUNE_EVERY = 3600.0  # seconds


@dataclass(frozen=True)
class Job:
    delivery_id: str
    attempt: int
    channel: str
    address: str
    message: Message


def send_due(database: Database, channels: dict[str, Channel], settings: NotifySettings,
             clock: Callable[[], datetime] = utcnow, batch: int = BATCH) -> int:
    """One step of the poller; returns how many deliveries it moved on."""
    now = clock()
    jobs, moved = _claim(database, settings, now, batch)
    if not jobs:
        return moved
    results = [(job, _try(channels[job.channel], job)) for job in jobs]
    _record(database, results, settings, clock())
    return moved


def _try(channel: Channel, job: Job) -> SendFailed | None:
    try:
        channel.send(job.address, job.message)
    except SendFailed as failure:
        return failure
    except Exception as exc:  # an adapter's bug must not stop the others; it is retried like a failure
        log.exception("channel %s failed unexpectedly", job.channel)
        return SendFailed(f"error ({type(exc).__name__})")
    return None


def _claim(database: Database, settings: NotifySettings, now: datetime, batch: int) -> tuple[list[Job], int]:
    jobs = []
    with database.transaction() as session:
        stmt = (select(Delivery, Notification).join(Notification, Notification.id == Delivery.notification_id)
                .where(Delivery.status.in_(kinds.DUE), Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at).limit(batch).execution_options(populate_existing=True))
        if not database.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True, of=Delivery)
        rows = session.execute(stmt).all()
        prefs = {p.worker_id: p for p in session.scalars(
            select(Preference).where(Preference.worker_id.in_({d.worker_id for d, _ in rows})))}
        for delivery, note in rows:
            delivery.updated_at = now
            if not delivery.urgent and rules.is_quiet(now):
                delivery.status, delivery.next_attempt_at = kinds.HELD, rules.quiet_ends(now)
                continue
            pref = prefs.get(delivery.worker_id)
            if delivery.channel not in channels_for(pref):
                _finish(delivery, kinds.SKIPPED, "channel turned off or no address")
                continue
            if delivery.attempts == 0 and not delivery.urgent and not take_a_send(
                    session, delivery.worker_id, delivery.channel, rules.local_day(now), settings.daily_cap):
                _finish(delivery, kinds.SKIPPED, "daily cap reached")
                continue
            delivery.status, delivery.attempts = kinds.SENDING, delivery.attempts + 1
            delivery.next_attempt_at = now + LEASE
            address = pref.phone if delivery.channel == kinds.SMS else pref.wechat_openid
            jobs.append(Job(delivery.id, delivery.attempts, delivery.channel, address,
                            Message(note.type, note.title, note.body, note.link)))
        _prune_counts(session, now)
    return jobs, len(rows)


_pruned = {"at": float("-inf")}


def _prune_counts(session: Session, now: datetime) -> None:
    """Once an hour per process: daily counts of days long past are no longer needed."""
    if time.monotonic() - _pruned["at"] < PRUNE_EVERY:
        return
    _pruned["at"] = time.monotonic()
    session.execute(delete(DailySend).where(DailySend.day < rules.local_day(now) - timedelta(days=KEEP_DAYS)))


def take_a_send(session: Session, worker_id: str, channel: str, day: date, cap: int) -> bool:
    """Count one send of the worker's day on this channel, unless the cap is reached (0: no cap)."""
    if cap <= 0:
        return True
    session.execute(insert_ignoring_duplicates(session, DailySend.__table__),
                    {"worker_id": worker_id, "channel": channel, "day": day, "count": 0})
    taken = session.execute(update(DailySend).where(DailySend.worker_id == worker_id, DailySend.channel == channel,
                                                    DailySend.day == day, DailySend.count < cap)
                            .values(count=DailySend.count + 1).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def _record(database: Database, results: list, settings: NotifySettings, now: datetime) -> None:
    with database.transaction() as session:
        held = {d.id: d for d in session.scalars(
            select(Delivery).where(Delivery.id.in_([job.delivery_id for job, _ in results]))
            .with_for_update().execution_options(populate_existing=True))}
        for job, failure in results:
            delivery = held.get(job.delivery_id)
            if delivery is None or delivery.status != kinds.SENDING or delivery.attempts != job.attempt:
                continue  # the lease ran out and another claim took it over: that one records
            delivery.updated_at = now
            if failure is None:
                _finish(delivery, kinds.SENT, None)
                delivery.sent_at = now
            elif failure.permanent or delivery.attempts >= settings.max_attempts:
                _finish(delivery, kinds.FAILED, failure.reason)
                log.warning("delivery %s failed for good after %d attempt(s): %s", delivery.id, delivery.attempts,
                            failure.reason)
            else:
                delivery.status, delivery.last_error = kinds.PENDING, failure.reason
                delivery.next_attempt_at = rules.next_try(now, delivery.attempts, settings.retry_seconds)


def _finish(delivery: Delivery, status: str, reason: str | None) -> None:
    delivery.status, delivery.next_attempt_at, delivery.last_error = status, None, reason
