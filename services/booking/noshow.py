"""No-shows: after a session has ended, staff mark the confirmed bookings whose workers did not come.

The place stays taken (the session's `confirmed` count does not move); later draws weigh each
no-show of the last 365 days x0.5 (shared.draw). A worker sees its own in its bookings.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import Conflict
from shared.event_types import BookingEvent
from shared.events import record_event
from shared.timeutil import to_local, utcnow
from shared.vocab import BookingStatus

from . import events
from .models import BookableSession, Booking, outbox
from .queries import get_booking


def mark_no_show(tx: Session, principal: Principal, booking_id: str) -> Booking:
    """The view admits staff and admins; get_booking shows staff only their unions' offers' bookings."""
    get_booking(tx, principal, booking_id)
    booking = tx.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()
                         .execution_options(populate_existing=True)).one()
    if booking.status != "confirmed":
        raise _invalid(f"Only a confirmed booking can be marked as a no-show; this one is {booking.status}.")
    sess = tx.get(BookableSession, booking.session_id)
    ended = sess.ends_at or sess.starts_at
    if utcnow() < ended:
        raise _invalid(f"The session ends at {to_local(ended):%Y-%m-%d %H:%M}: a no-show is marked after it ends.")
    booking.status = BookingStatus.NO_SHOW
    booking.version += 1
    booking.updated_at = utcnow()
    tx.flush()
    record_event(tx, outbox, BookingEvent.NO_SHOW, events.payload(booking))
    return booking


def _invalid(detail: str) -> Conflict:
    return Conflict(detail, slug="invalid-state", title="Not allowed in the booking's current state")
