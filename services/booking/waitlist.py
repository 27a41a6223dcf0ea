"""The waiting list: FIFO by ticket number; positions close up as people leave; it ends when the session starts."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from shared.db import Database
from shared.events.relay import wake_relays
from shared.timeutil import utcnow

from . import events
from .models import Booking, Session


def lock_session(db: DbSession, session_id: str) -> Session | None:
    """The session row, locked until commit: every change of its counters goes through here."""
    return db.scalars(select(Session).where(Session.session_id == session_id)
                      .with_for_update().execution_options(populate_existing=True)).first()


def promote(db: DbSession, sess: Session) -> list[Booking]:
    """Confirm waitlisted bookings, first come first served, while places are free.

    The caller holds the session row lock."""
    free = sess.capacity - sess.confirmed
    if free <= 0 or sess.waitlisted <= 0:
        return []
    queue = db.scalars(select(Booking)
                       .where(Booking.session_id == sess.session_id, Booking.status == "waitlisted")
                       .order_by(Booking.waitlist_seq).limit(free).with_for_update()).all()
    now = utcnow()
    for booking in queue:
        booking.status = "confirmed"  # its ticket number stays, as history of the queue
        booking.version += 1
        booking.updated_at = now
    sess.confirmed += len(queue)
    sess.waitlisted -= len(queue)
    db.flush()
    for booking in queue:
        events.publish(db, events.PROMOTED, booking)
    return list(queue)


def positions(db: DbSession, bookings) -> dict[str, int]:
    """Waiting-list positions of the waitlisted among some bookings, in one query (ranks by ticket)."""
    waiting = [b for b in bookings if b.status == "waitlisted"]
    if not waiting:
        return {}
    rank = func.row_number().over(partition_by=Booking.session_id, order_by=Booking.waitlist_seq).label("rank")
    queue = (select(Booking.id, rank)
             .where(Booking.session_id.in_({b.session_id for b in waiting}), Booking.status == "waitlisted")
             .subquery())
    ids = [b.id for b in waiting]
    return dict(db.execute(select(queue.c.id, queue.c.rank).where(queue.c.id.in_(ids))).all())


def expire_due(database: Database, limit: int = 100) -> int:
    """Expire the waiting lists of sessions that have started: each session in its own transaction.

    A query on state, not an in-memory timer: whatever process runs it, and whenever (after a
    restart too), finds what is due. Several may run at once: a session row being expired by
    one is skipped by the others (SKIP LOCKED), and a row expired meanwhile no longer matches.
    Returns how many bookings expired."""
    expired = 0
    for _ in range(limit):
        with database.transaction() as db:
            due = (select(Session).where(Session.starts_at <= utcnow(), Session.waitlisted > 0)
                   .order_by(Session.starts_at).limit(1).execution_options(populate_existing=True))
            if not database.is_sqlite:  # SQLite: BEGIN IMMEDIATE already admits one writer at a time
                due = due.with_for_update(skip_locked=True)
            sess = db.scalars(due).first()
            if sess is None:
                break
            expired += len(expire_session(db, sess))
    if expired:
        wake_relays()
    return expired


def expire_session(db: DbSession, sess: Session) -> list[Booking]:
    """Every booking still waiting on a started session becomes expired, with its event.

    The caller holds the session row lock (lock order: session row, then booking rows)."""
    queue = db.scalars(select(Booking).where(Booking.session_id == sess.session_id, Booking.status == "waitlisted")
                       .order_by(Booking.waitlist_seq).with_for_update()
                       .execution_options(populate_existing=True)).all()
    now = utcnow()
    for booking in queue:
        booking.status = "expired"  # its ticket number stays, as history of the queue
        booking.version += 1
        booking.updated_at = now
    sess.waitlisted = 0
    db.flush()
    for booking in queue:
        events.publish(db, events.EXPIRED, booking)
    return list(queue)
