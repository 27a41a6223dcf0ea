"""After sign-up: cancel (and promote the next in line), check in."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import Conflict
from shared.event_types import BookingEvent
from shared.timeutil import utcnow
from shared.vocab import BookingStatus

from . import events
from .models import Booking
from .queries import get_booking
from .signup import not_open
from .waitlist import lock_session, promote


def invalid_state(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Not allowed in the booking's current state")


def _lock_booking(tx: Session, booking_id: str) -> Booking:
    """The booking row, locked until commit and read afresh."""
    return tx.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()
                      .execution_options(populate_existing=True)).one()


def cancel(tx: Session, principal: Principal, booking_id: str) -> Booking:
    booking = get_booking(tx, principal, booking_id)
    sess = lock_session(tx, booking.session_id)  # the session row first: one lock order everywhere
    booking = _lock_booking(tx, booking_id)
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED):
        raise invalid_state(f"This booking is {booking.status}: only a confirmed or waitlisted booking can be cancelled.")
    if sess.starts_at <= utcnow():
        # A waiting list closes at the start: its bookings expire (waitlist.expire_due).
        raise not_open("The session has started: it is too late to cancel."
                       if booking.status == BookingStatus.CONFIRMED else
                       "The session has started: its waiting list has closed and this booking expires.")
    was = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.waitlist_seq = None
    booking.version += 1
    booking.updated_at = utcnow()
    if was == BookingStatus.CONFIRMED:
        sess.confirmed -= 1
    else:
        sess.waitlisted -= 1
    tx.flush()
    events.publish(tx, BookingEvent.CANCELLED, booking)
    if was == BookingStatus.CONFIRMED:
        promote(tx, sess)
    return booking


def check_in(tx: Session, principal: Principal, booking_id: str) -> Booking:
    """The view admits staff and admins only; get_booking shows staff only their unions' offers' bookings."""
    get_booking(tx, principal, booking_id)
    booking = _lock_booking(tx, booking_id)
    if booking.status != BookingStatus.CONFIRMED:
        raise invalid_state(f"Only a confirmed booking can be checked in; this one is {booking.status}.")
    booking.status = BookingStatus.ATTENDED
    booking.version += 1
    booking.updated_at = utcnow()
    tx.flush()
    events.publish(tx, BookingEvent.ATTENDED, booking)
    return booking
