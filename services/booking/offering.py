"""A drawn ballot's places: offered in draw order, accepted, or passed on to the next.

Every transition holds the session row lock first (then the booking rows), as sign-up,
cancel and promotion do, and keeps `confirmed + offered <= capacity`: an offered place is
held until it is accepted (confirmed), declined (cancelled) or not accepted in time
(expired, event booking.passed_on), and only then offered to the next in draw order. A place
won under a quota goes on to the next applicant of that quota when there is one.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.db import Database
from shared.errors import Conflict
from shared.event_types import BookingEvent
from shared.events import record_event
from shared.events.relay import wake_relays
from shared.timeutil import utcnow
from shared.vocab import AllocationMode, BookingStatus

from . import events
from .models import BookableSession, Booking, Draw, outbox
from .queries import get_booking
from .waitlist import lock_session, promote


def fill_places(tx: Session, sess: BookableSession, freed_by: Booking | None = None) -> list[Booking]:
    """Free places go to whoever waits: first come's queue, or a drawn ballot's draw order.

    The caller holds the session row lock."""
    if sess.mode != AllocationMode.BALLOT:
        return promote(tx, sess)
    return offer_next(tx, sess, [freed_by.ballot_quota] if freed_by is not None and freed_by.ballot_result else [])


def free_places(sess: BookableSession) -> int:
    return sess.capacity - sess.confirmed - sess.offered


def accept_deadline(sess: BookableSession, hours: int, now: datetime) -> datetime:
    """accept_within_hours from now, but never after the session starts."""
    return min(now + timedelta(hours=hours), sess.starts_at)


def publish_offered(tx, booking: Booking, accept_by: datetime) -> None:
    record_event(tx, outbox, BookingEvent.OFFERED, {**events.payload(booking), "accept_by": accept_by.isoformat()})


def offer_next(tx: Session, sess: BookableSession, freed_quotas=(), now: datetime | None = None) -> list[Booking]:
    """Offer the free places to the waiting, in draw order; a freed quota place first to its quota."""
    now = now or utcnow()
    if sess.drawn_at is None or sess.starts_at <= now or free_places(sess) <= 0 or sess.waitlisted <= 0:
        return []
    hours = tx.get(Draw, sess.session_id).rules["accept_within_hours"]
    wanted, offered = list(freed_quotas), []
    while free_places(sess) > 0:
        quota = wanted.pop(0) if wanted else None
        row = _next_waiting(tx, sess.session_id, quota) if quota is not None else None
        if row is None:
            quota, row = None, _next_waiting(tx, sess.session_id, None)
        if row is None:
            break
        booking = row
        booking.status = BookingStatus.OFFERED  # its place in the draw order stays in waitlist_seq, as history
        booking.version += 1
        booking.updated_at = now
        booking.ballot_quota = quota
        booking.accept_by = accept_deadline(sess, hours, now)
        sess.waitlisted -= 1
        sess.offered += 1
        tx.flush()
        publish_offered(tx, booking, booking.accept_by)
        offered.append(booking)
    return offered


def _next_waiting(tx: Session, session_id: str, quota: int | None) -> Booking | None:
    """The first waiting in draw order (of a quota's): the queue index (session, status, waitlist_seq = rank)."""
    stmt = select(Booking).where(Booking.session_id == session_id, Booking.status == BookingStatus.WAITLISTED)
    if quota is not None:
        stmt = stmt.where(Booking.ballot_in_quotas.like(f"%,{int(quota)},%"))
    return tx.scalars(stmt.order_by(Booking.waitlist_seq).limit(1).with_for_update()
                      .execution_options(populate_existing=True)).first()


def release(tx: Session, sess: BookableSession, booking: Booking, was: str) -> None:
    """The counters of an application withdrawn or a place offered and declined (the caller cancels)."""
    if was == BookingStatus.APPLIED:
        sess.applied -= 1
    elif was == BookingStatus.OFFERED:
        sess.offered -= 1
        booking.accept_by = None


def accept(tx: Session, principal: Principal, booking_id: str) -> Booking:
    """The worker (or staff for it, or an admin) takes the place offered: confirmed."""
    sess = lock_session(tx, get_booking(tx, principal, booking_id).session_id)  # who may: as for cancel
    booking = tx.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()
                         .execution_options(populate_existing=True)).one()
    if booking.status != BookingStatus.OFFERED:
        raise Conflict(f"Only a place offered can be accepted; this booking is {booking.status}.",
                       slug="invalid-state", title="Not allowed in the booking's current state")
    now = utcnow()
    if booking.accept_by is None or booking.accept_by <= now:
        raise Conflict("The time to accept this place has passed; it goes to the next in the draw's order.",
                       slug="not-open", title="Not open for sign-up")
    booking.status = "confirmed"
    booking.version += 1
    booking.updated_at = now
    booking.accept_by = None
    sess.offered -= 1
    sess.confirmed += 1
    tx.flush()
    record_event(tx, outbox, BookingEvent.ACCEPTED, events.payload(booking))
    return booking


def pass_on_due(database: Database, limit: int = 100) -> int:
    """The booking worker's poller: places not accepted in time pass to the next in draw order.

    A due row (an offered booking's accept_by) found by a query, each session in its own transaction under
    its row lock; several workers skip a session another is handling (SKIP LOCKED). Returns how
    many offers lapsed."""
    lapsed = 0
    for _ in range(limit):
        with database.transaction() as tx:
            now = utcnow()
            due = (select(BookableSession).where(BookableSession.session_id.in_(
                select(Booking.session_id).where(Booking.accept_by <= now)))
                .limit(1).execution_options(populate_existing=True))
            if not database.is_sqlite:
                due = due.with_for_update(skip_locked=True)
            sess = tx.scalars(due).first()
            if sess is None:
                break
            lapsed += len(pass_on(tx, sess, now))
    if lapsed:
        wake_relays()
    return lapsed


def pass_on(tx: Session, sess: BookableSession, now: datetime) -> list[Booking]:
    """The session's offers past their time become expired; their places are offered on. Holds the row lock."""
    rows = tx.scalars(select(Booking).where(Booking.session_id == sess.session_id, Booking.accept_by <= now)
                      .order_by(Booking.waitlist_seq).with_for_update()
                      .execution_options(populate_existing=True)).all()
    lapsed, freed = [], []
    for booking in rows:
        booking.accept_by = None
        if booking.status != BookingStatus.OFFERED:
            continue
        booking.status = "expired"
        booking.version += 1
        booking.updated_at = now
        sess.offered -= 1
        freed.append(booking.ballot_quota)
        lapsed.append(booking)
    tx.flush()
    for booking in lapsed:
        record_event(tx, outbox, BookingEvent.PASSED_ON, events.payload(booking))
    offer_next(tx, sess, freed, now)
    return lapsed
