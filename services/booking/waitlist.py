"""The waiting list: FIFO by ticket number; positions close up as people leave."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

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
