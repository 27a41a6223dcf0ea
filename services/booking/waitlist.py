"""The waiting list: FIFO by ticket number; positions close up as people leave; it ends when the session starts."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.db import Database
from shared.event_types import BookingEvent
from shared.events.relay import wake_relays
from shared.timeutil import utcnow
from shared.vocab import BookingStatus

from . import events
from .models import BookableSession, Booking


def lock_session(tx: Session, session_id: str) -> BookableSession | None:
    """The bookable session's row, locked until commit, read afresh (None if there is none).

    Cancelling, promoting, expiring and a raised capacity take this lock first (lock order: session
    row, then booking rows); a sign-up takes the same row lock with its conditional UPDATE."""
    return tx.scalars(select(BookableSession).where(BookableSession.session_id == session_id)
                      .with_for_update().execution_options(populate_existing=True)).first()


def promote(tx: Session, sess: BookableSession) -> list[Booking]:
    """Confirm waitlisted bookings, first come first served, while places are free.

    The caller holds the session row lock."""
    free = sess.capacity - sess.confirmed
    if free <= 0 or sess.waitlisted <= 0:
        return []
    queue = tx.scalars(select(Booking)
                       .where(Booking.session_id == sess.session_id, Booking.status == BookingStatus.WAITLISTED)
                       .order_by(Booking.waitlist_seq).limit(free).with_for_update()).all()
    now = utcnow()
    for booking in queue:
        booking.status = BookingStatus.CONFIRMED  # its ticket number stays, as history of the queue
        booking.version += 1
        booking.updated_at = now
    sess.confirmed += len(queue)
    sess.waitlisted -= len(queue)
    tx.flush()
    for booking in queue:
        events.publish(tx, BookingEvent.PROMOTED, booking)
    return list(queue)


def positions(session: Session, bookings) -> dict[str, int]:
    """Waiting-list positions of the waitlisted among some bookings, in one query (ranks by ticket)."""
    waiting = [b for b in bookings if b.status == BookingStatus.WAITLISTED]
    if not waiting:
        return {}
    rank = func.row_number().over(partition_by=Booking.session_id, order_by=Booking.waitlist_seq).label("rank")
    queue = (select(Booking.id, rank)
             .where(Booking.session_id.in_({b.session_id for b in waiting}),
                    Booking.status == BookingStatus.WAITLISTED)
             .subquery())
    ids = [b.id for b in waiting]
    return dict(session.execute(select(queue.c.id, queue.c.rank).where(queue.c.id.in_(ids))).all())


def expire_due(database: Database, limit: int = 100) -> int:
    """Expire the waiting lists of sessions that have started: each session in its own transaction.

    A query on state, not an in-memory timer: whatever process runs it, and whenever (after a
    restart too), finds what is due. Several may run at once: a session row being expired by
    one is skipped by the others (SKIP LOCKED), and a row expired meanwhile no longer matches.
    Returns how many bookings expired."""
    expired = 0
    for _ in range(limit):
        with database.transaction() as tx:
            due = (select(BookableSession)
                   .where(BookableSession.starts_at <= utcnow(), BookableSession.waitlisted > 0)
                   .order_by(BookableSession.starts_at).limit(1).execution_options(populate_existing=True))
            if not database.is_sqlite:  # SQLite: BEGIN IMMEDIATE already admits one writer at a time
                due = due.with_for_update(skip_locked=True)
            sess = tx.scalars(due).first()
            if sess is None:
                break
            expired += len(expire_session(tx, sess))
    if expired:
        wake_relays()
    return expired


def expire_session(tx: Session, sess: BookableSession) -> list[Booking]:
    """Every booking still waiting on a started session becomes expired, with its event.

    The caller holds the session row lock (lock order: session row, then booking rows)."""
    queue = tx.scalars(select(Booking)
                       .where(Booking.session_id == sess.session_id, Booking.status == BookingStatus.WAITLISTED)
                       .order_by(Booking.waitlist_seq).with_for_update()
                       .execution_options(populate_existing=True)).all()
    now = utcnow()
    for booking in queue:
        booking.status = BookingStatus.EXPIRED  # its ticket number stays, as history of the queue
        booking.version += 1
        booking.updated_at = now
    sess.waitlisted = 0
    tx.flush()
    for booking in queue:
        events.publish(tx, BookingEvent.EXPIRED, booking)
    return list(queue)
