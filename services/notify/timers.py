"""Timers: notifications due later, as rows (notify_timers) the worker polls.

- a session reminder 24 h before the session of a confirmed booking;
- a ballot winner's reminder 12 h before `accept_by`.
A timer is keyed by its type and booking, so scheduling twice keeps one. Cancelling a booking
(or its expiry, attendance, passing on) cancels its pending timers. `fire_due` takes due rows
with FOR UPDATE SKIP LOCKED (SQLite: one writer at a time anyway), checks that the booking is still
in the state the reminder is for, and posts the notification under the timer's key: it survives
a restart and fires once with any number of workers."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.db import Database
from shared.timeutil import utcnow

from . import inbox, kinds, readmodel, texts
from .models import Booking, Timer

REMIND_BEFORE = readmodel.REMIND_BEFORE
ACCEPT_REMINDER_BEFORE = timedelta(hours=12)
FOR_STATUS = {kinds.SESSION_REMINDER: kinds.CONFIRMED, kinds.OFFER_EXPIRING: kinds.OFFERED}
BATCH = 200


def key(timer_type: str, booking_id: str) -> str:
    return f"{timer_type}:{booking_id}"


def schedule(session: Session, timer_type: str, data: dict, target_at: datetime | None, before: timedelta,
             now: datetime) -> None:
    """One pending timer per type and booking; none when its moment has already passed.
    target_at None (the session's start not known yet): the offer's event sets it later."""
    due_at = target_at - before if target_at is not None else None
    if due_at is not None and due_at <= now:
        return  # booked (or offered) later than the reminder would go: what was just sent says when
    timer = session.get(Timer, key(timer_type, data["booking_id"]))
    if timer is None:
        session.add(Timer(key=key(timer_type, data["booking_id"]), type=timer_type, worker_id=data["worker_id"],
                          booking_id=data["booking_id"], session_id=data["session_id"], offer_id=data["offer_id"],
                          target_at=target_at, due_at=due_at, status=kinds.TIMER_PENDING, created_at=now))
    elif timer.status == kinds.TIMER_PENDING:
        timer.target_at, timer.due_at = target_at, due_at
    session.flush()


def cancel(session: Session, booking_id: str, types=(kinds.SESSION_REMINDER, kinds.OFFER_EXPIRING)) -> None:
    session.execute(update(Timer).where(Timer.booking_id == booking_id, Timer.type.in_(types),
                                        Timer.status == kinds.TIMER_PENDING)
                    .values(status=kinds.TIMER_CANCELLED).execution_options(synchronize_session=False))


def fire_due(database: Database, now: datetime | None = None, batch: int = BATCH) -> int:
    """Fire the timers that are due; returns how many were taken (fired or found moot)."""
    now = now or utcnow()
    with database.transaction() as session:
        stmt = (select(Timer).where(Timer.status == kinds.TIMER_PENDING, Timer.due_at <= now)
                .order_by(Timer.due_at).limit(batch).execution_options(populate_existing=True))
        if not database.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        due = session.scalars(stmt).all()
        posts = []
        for timer in due:
            timer.fired_at = now
            booking = session.get(Booking, timer.booking_id)
            still = (booking is not None and booking.status == FOR_STATUS[timer.type]
                     and (timer.target_at is None or timer.target_at > now))
            timer.status = kinds.TIMER_DONE if still else kinds.TIMER_CANCELLED
            if still:
                posts.append(_post_for(session, timer))
        inbox.post(session, posts, now)
    return len(due)


def _post_for(session: Session, timer: Timer) -> inbox.Outgoing:
    offer = readmodel.offer_of(session, timer.offer_id)
    title = offer.title if offer else None
    if timer.type == kinds.SESSION_REMINDER:
        message = texts.session_reminder(timer.booking_id, title, timer.target_at, offer.address if offer else "")
    else:
        message = texts.offer_expiring(timer.booking_id, title, timer.target_at)
    return inbox.Outgoing(kinds.WORKER, timer.worker_id, timer.key, message, offer.union_path if offer else "",
                          target_at=timer.target_at)
