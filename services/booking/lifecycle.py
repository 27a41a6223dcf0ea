"""After sign-up: cancel (and promote the next in line), check in."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from shared.auth import Principal
from shared.errors import Conflict
from shared.timeutil import utcnow

from . import events
from .models import Booking
from .queries import get_booking
from .signup import not_open
from .waitlist import lock_session, promote


def invalid_state(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Not allowed in the booking's current state")


def cancel(db: DbSession, principal: Principal, booking_id: str) -> Booking:
    booking = get_booking(db, principal, booking_id)
    sess = lock_session(db, booking.session_id)  # the session row first: one lock order everywhere
    booking = db.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()
                         .execution_options(populate_existing=True)).one()
    if booking.status not in ("confirmed", "waitlisted"):
        raise invalid_state(f"This booking is {booking.status}: only a confirmed or waitlisted booking can be cancelled.")
    if sess.starts_at <= utcnow():
        # A waiting list closes at the start: its bookings expire (waitlist.expire_due).
        raise not_open("The session has started: it is too late to cancel." if booking.status == "confirmed" else
                       "The session has started: its waiting list has closed and this booking expires.")
    was = booking.status
    booking.status = "cancelled"
    booking.waitlist_seq = None
    booking.version += 1
    booking.updated_at = utcnow()
    if was == "confirmed":
        sess.confirmed -= 1
    else:
        sess.waitlisted -= 1
    db.flush()
    events.publish(db, events.CANCELLED, booking)
    if was == "confirmed":
        promote(db, sess)
    return booking


def check_in(db: DbSession, principal: Principal, booking_id: str) -> Booking:
    """The view admits staff and admins only; get_booking shows staff only their unions' offers' bookings."""
    get_booking(db, principal, booking_id)
    booking = db.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()
                         .execution_options(populate_existing=True)).one()
    if booking.status != "confirmed":
        raise invalid_state(f"Only a confirmed booking can be checked in; this one is {booking.status}.")
    booking.status = "attended"
    booking.version += 1
    booking.updated_at = utcnow()
    db.flush()
    events.publish(db, events.ATTENDED, booking)
    return booking
