"""After sign-up: cancel (and promote the next in line), check in."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from shared.auth import Principal
from shared.errors import Conflict
from shared.timeutil import utcnow

from . import applications, events, offering
from .ballot_vocab import APPLIED, OFFERED
from .models import Booking
from .queries import get_booking
from .signup import not_open
from .waitlist import lock_session

CANCELLABLE = ("confirmed", "waitlisted", APPLIED, OFFERED)


def invalid_state(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Not allowed in the booking's current state")


def cancel(db: DbSession, principal: Principal, booking_id: str) -> Booking:
    booking = get_booking(db, principal, booking_id)
    sess = lock_session(db, booking.session_id)  # the session row first: one lock order everywhere
    booking = db.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()
                         .execution_options(populate_existing=True)).one()
    if booking.status not in CANCELLABLE:
        raise invalid_state(f"This booking is {booking.status}: only a confirmed, waitlisted, applied or offered "
                            "booking can be cancelled.")
    if booking.status == APPLIED:
        applications.check_withdrawable(sess)
    elif sess.starts_at <= utcnow():
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
    elif was == "waitlisted":
        sess.waitlisted -= 1
    else:
        offering.release(db, sess, booking, was)
    db.flush()
    events.publish(db, events.CANCELLED, booking)
    if was in ("confirmed", OFFERED):
        offering.fill_places(db, sess, freed_by=booking)
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
