"""Applying to a ballot: during the window an application is recorded, however many places there are.

The rules are a sign-up's (signup.py checks them: eligibility, the per-worker limit, one active
booking per session, Idempotency-Key). What differs is the window instead of the start, and that
no place is taken: the application raises the session's `applied` count in an UPDATE that also
requires the window still open and the session not drawn. The draw holds that row's lock, so an
application is either in the draw or refused (409 not-open); it never fails for lack of places.
On PostgreSQL the count, the booking and its event are one statement, as a first-come sign-up is.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Float, Integer, String, bindparam, insert, literal, select, update

from shared import draw
from shared.db import UTCDateTime
from shared.errors import Conflict
from shared.event_types import BookingEvent
from shared.events import record_event
from shared.events.outbox import WRITTEN_COLUMNS, event_row
from shared.timeutil import to_local, utcnow
from shared.vocab import BookingStatus

from . import events
from .models import BookableSession, Booking, outbox


def not_open(detail: str) -> Conflict:
    return Conflict(detail, slug="not-open", title="Not open for sign-up")


def _at(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M %z")


def check_window(open_at: datetime, close_at: datetime, drawn_at: datetime | None) -> None:
    now = utcnow()
    if now < open_at:
        raise not_open(f"Applications to this ballot open at {_at(open_at)}.")
    if now >= close_at or drawn_at is not None:
        raise not_open(f"Applications to this ballot closed at {_at(close_at)}; the draw decides.")


def check_withdrawable(sess: BookableSession) -> None:
    """An application may be withdrawn until the close (then the draw decides)."""
    if sess.drawn_at is not None or utcnow() >= sess.applications_close_at:
        raise not_open(f"Applications closed at {_at(sess.applications_close_at)}: "
                       "an application can no longer be withdrawn; once drawn, a place or a waiting "
                       "position can be given up.")


def write(conn: Connection, ctx, booking: Booking) -> None:
    """Record the application (status applied) and its event; IntegrityError if one is held already.

    The application keeps what the seed committed at publish and the worker already fix: its pseudonym
    and its uniform number u (shared.draw), secret as the seed is until the draw, which then only weighs
    and sorts."""
    booking.status = BookingStatus.APPLIED
    booking.ballot_applicant = draw.applicant(ctx.session_id, booking.worker_id)
    booking.ballot_u = draw.uniform(ctx.ballot_seed, ctx.session_id, booking.ballot_applicant) if ctx.ballot_seed else None
    if conn.dialect.name == "postgresql":
        if conn.execute(_ONE_STATEMENT, _params(ctx, booking)).first() is None:
            raise _closed(ctx)
        return
    if conn.execute(_COUNT, {"sid": ctx.session_id, "now": booking.created_at}).first() is None:
        raise _closed(ctx)
    conn.execute(insert(Booking.__table__), {c.key: getattr(booking, c.key) for c in Booking.__table__.columns})
    record_event(conn, outbox, BookingEvent.APPLIED, events.payload(booking))


def _closed(ctx) -> Conflict:
    return not_open(f"Applications to this ballot closed at {_at(ctx.applications_close_at)}; the draw decides.")


def _params(ctx, booking: Booking) -> dict:
    event = event_row(outbox, BookingEvent.APPLIED, events.payload(booking))  # the outbox's one writer
    return {"sid": ctx.session_id, "now": booking.created_at, "p_id": booking.id, "p_offer": booking.offer_id,
            "p_worker": booking.worker_id, "p_starts": booking.session_starts_at, "p_by": booking.created_by,
            "p_applicant": booking.ballot_applicant, "p_u": booking.ballot_u,
            **{f"e_{c}": event[c] for c in WRITTEN_COLUMNS}}


# Built once from the tables' own columns. Parameters never take a column's name: an UPDATE would SET it.
_s, _b = BookableSession.__table__, Booking.__table__
_now = bindparam("now", type_=UTCDateTime())
_COUNT = (update(_s).where(_s.c.session_id == bindparam("sid"), _s.c.drawn_at.is_(None),
                           _s.c.applications_close_at > _now)
          .values(applied=_s.c.applied + 1).returning(_s.c.session_id))
_taken = _COUNT.cte("taken")
_booked = (insert(_b).from_select(
    ["id", "session_id", "offer_id", "worker_id", "status", "session_starts_at", "version", "created_by",
     "created_at", "updated_at", "ballot_applicant", "ballot_u"],
    select(bindparam("p_id", type_=String()), _taken.c.session_id, bindparam("p_offer", type_=String()),
           bindparam("p_worker", type_=String()), literal(BookingStatus.APPLIED.value, String()),
           bindparam("p_starts", type_=UTCDateTime()), literal(1, Integer()),
           bindparam("p_by", type_=String()), _now, _now, bindparam("p_applicant", type_=String()),
           bindparam("p_u", type_=Float())))
    .returning(_b.c.id).cte("booked"))
_ONE_STATEMENT = (insert(outbox).from_select(
    list(WRITTEN_COLUMNS),
    select(*(bindparam(f"e_{c}", type_=outbox.c[c].type) for c in WRITTEN_COLUMNS)).select_from(_booked))
    .returning(outbox.c.event_id))
