"""A published ballot offer known to booking, workers with profiles, and the clock moved by hand."""
from datetime import timedelta

from sqlalchemy import update

from services.booking.models import BookableSession, Booking
from shared.timeutil import utcnow
from tests.booking.world import build
from tests.factories import iso


def allocation(**overrides) -> dict:
    body = {"mode": "ballot", "applications_open_at": iso(hours=-1), "applications_close_at": iso(hours=2)}
    body.update(overrides)
    return body


def build_ballot(client, admin, token, pump, workers=("w1", "w2", "w3", "w4"), capacity=2, alloc=None, **offer):
    return build(client, admin, token, pump, workers=workers, capacity=capacity,
                 allocation=allocation(**(alloc or {})), **offer)


def close_window(dbs, session_id=None, seconds_ago=1):
    """The application window closes (for booking's copy of the session): due for the draw."""
    with dbs["booking"].transaction() as s:
        stmt = update(BookableSession).values(applications_open_at=utcnow() - timedelta(hours=2),
                                      applications_close_at=utcnow() - timedelta(seconds=seconds_ago))
        if session_id:
            stmt = stmt.where(BookableSession.session_id == session_id)
        s.execute(stmt)


def lapse_offers(dbs, session_id=None, booking_id=None):
    """The time to accept the places offered (in a session, or one booking's) runs out."""
    with dbs["booking"].transaction() as s:
        stmt = update(Booking).where(Booking.accept_by.is_not(None)).values(
            accept_by=utcnow() - timedelta(seconds=1))
        if session_id:
            stmt = stmt.where(Booking.session_id == session_id)
        if booking_id:
            stmt = stmt.where(Booking.id == booking_id)
        s.execute(stmt)


def apply(client, tok, session_id, worker_id=None, key=None):
    body = {"session_id": session_id}
    if worker_id:
        body["worker_id"] = worker_id
    return client.post("/booking/bookings", body, token=tok, headers={"Idempotency-Key": key} if key else None)
