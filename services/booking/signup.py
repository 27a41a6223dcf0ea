"""Signing up: every rule, then a place taken by one conditional UPDATE.

Capacity is the database's job: `UPDATE booking_sessions SET confirmed =
confirmed + 1 WHERE session_id = :s AND confirmed < capacity` either takes a
place or changes nothing; then a waiting-list ticket comes from the same row.
The partial unique index on (session_id, worker_id) for active bookings stops a
second active booking even if two requests race past the friendly check.
"""
from __future__ import annotations

import uuid
import zlib
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import JSON, Boolean, Date, String, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from shared.auth import Principal
from shared.db import UTCDateTime, new_id, path_ids
from shared.eligibility import WorkerAttrs, check
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed
from shared.timeutil import local_today, utcnow

from . import events
from shared.events.outbox import after_commit_wake

from .models import ACTIVE, Booking, Session



def not_open(detail: str) -> Conflict:
    return Conflict(detail, slug="not-open", title="Not open for sign-up")


class SignUp(NamedTuple):
    booking: Booking
    waitlist_position: int | None  # a new ticket is the last in the queue


def sign_up(db: DbSession, principal: Principal, session_id: str, worker_id: str | None) -> SignUp:
    worker_id = _whose(principal, worker_id)
    ctx = _context(db, session_id, worker_id)
    if ctx is None or ctx.offer_status == "draft":
        raise NotFound(f"No session {session_id!r} of a published offer.")
    if ctx.offer_status != "published":
        raise not_open("The offer is closed: no more sign-ups.")
    now = utcnow()
    if ctx.starts_at <= now:
        raise not_open("The session has already started.")
    if principal.is_staff and not principal.acts_for(path_ids(ctx.union_path)):
        raise Forbidden("Staff book on a worker's behalf only for their unions' offers.")
    _check_eligible(ctx)
    if ctx.booked:
        raise already_booked()
    if ctx.per_worker_limit:
        _check_limit(db, ctx, worker_id)
    booking = Booking(id=new_id("bkg"), session_id=session_id, offer_id=ctx.offer_id, worker_id=worker_id,
                      session_starts_at=ctx.starts_at, version=1, created_by=principal.sub, created_at=now,
                      updated_at=now)
    # From here the session row is locked until commit: only quick statements, no reads.
    try:
        if db.get_bind().dialect.name == "postgresql":
            position = _write_in_one_statement(db, ctx, booking)
        else:
            position = _take_place_or_ticket(db, ctx, booking)
            db.execute(insert(Booking).values({c.key: getattr(booking, c.key) for c in Booking.__table__.columns}))
            events.publish(db, events.CONFIRMED if booking.status == "confirmed" else events.WAITLISTED, booking)
    except IntegrityError:
        raise already_booked() from None
    return SignUp(booking, position)


# Prebuilt (compiled once) and with literal statuses, so that PostgreSQL uses the
# partial unique index for the "already booked?" test even with a generic plan.
_CONTEXT = text("""
SELECT s.session_id, s.starts_at, o.offer_id, o.status AS offer_status, o.union_path, o.eligibility,
       o.per_worker_limit, o.waitlist, p.worker_id AS profile, p.birth_date, p.district, p.worker_category,
       p.union_member,
       EXISTS (SELECT 1 FROM booking_bookings b
               WHERE b.session_id = s.session_id AND b.worker_id = :worker_id
                 AND b.status IN ('confirmed', 'waitlisted', 'attended')) AS booked
FROM booking_sessions s
JOIN booking_offers o ON o.offer_id = s.offer_id
LEFT JOIN booking_profiles p ON p.worker_id = :worker_id
WHERE s.session_id = :session_id
""").columns(session_id=String, starts_at=UTCDateTime(), offer_id=String, offer_status=String, union_path=String,
             eligibility=JSON, per_worker_limit=JSON, waitlist=Boolean, profile=String, birth_date=Date,
             district=String, worker_category=String, union_member=Boolean, booked=Boolean)


def _context(db: DbSession, session_id: str, worker_id: str):
    """Everything the rules need, in one query: session, offer, profile, an active booking."""
    return db.connection().execute(_CONTEXT, {"session_id": session_id, "worker_id": worker_id}).first()


def already_booked() -> Conflict:
    return Conflict("This worker already holds a booking on this session.", slug="already-booked",
                    title="Already booked")


def _whose(principal: Principal, worker_id: str | None) -> str:
    if principal.is_worker:
        if worker_id not in (None, principal.sub):
            raise Forbidden("A worker books only for itself.")
        return principal.sub
    if not worker_id:
        raise ValidationFailed({"worker_id": ["Staff and admins must say which worker they book for."]})
    return worker_id


def _check_eligible(ctx) -> None:
    if ctx.profile is None:
        raise Unprocessable("The worker has no profile yet: save one at PUT /matching/workers/<id> first.",
                            slug="profile-required", title="Profile required")
    attrs = WorkerAttrs(ctx.birth_date, ctx.district, ctx.worker_category, ctx.union_member)
    failures = check(ctx.eligibility, attrs, local_today())
    if failures:
        raise Unprocessable("Not eligible: " + "; ".join(f"{f.rule} {f.message}" for f in failures) + ".",
                            slug="not-eligible", title="Not eligible",
                            extra={"failed_rules": [f.rule for f in failures]})


def _check_limit(db: DbSession, ctx, worker_id: str) -> None:
    limit = ctx.per_worker_limit
    if not db.get_bind().dialect.name == "sqlite":
        # One worker's parallel sign-ups for one offer queue here (SQLite serialises anyway).
        key = zlib.crc32(f"{worker_id}|{ctx.offer_id}".encode()) - 2**31
        db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    window = timedelta(days=limit["period_days"])
    held = db.scalar(select(func.count()).select_from(Booking).where(  # active: every booking but a cancelled one
        Booking.worker_id == worker_id, Booking.offer_id == ctx.offer_id, Booking.status.in_(ACTIVE),
        Booking.session_starts_at > ctx.starts_at - window, Booking.session_starts_at < ctx.starts_at + window))
    if held >= limit["count"]:
        raise Conflict(f"At most {limit['count']} booking(s) on this offer within {limit['period_days']} days; "
                       f"this worker holds {held}.", slug="limit-exceeded", title="Limit exceeded")


def _take_place_or_ticket(db: DbSession, ctx, booking: Booking) -> int | None:
    """Confirmed, or a waiting-list ticket; returns the waiting-list position (None when confirmed)."""
    took = db.execute(update(Session).where(Session.session_id == ctx.session_id,
                                            Session.confirmed < Session.capacity)
                      .values(confirmed=Session.confirmed + 1).returning(Session.confirmed)
                      .execution_options(synchronize_session=False)).first()
    if took:
        booking.status = "confirmed"
        return None
    if not ctx.waitlist:
        raise full()
    ticket, waiting = db.execute(update(Session).where(Session.session_id == ctx.session_id)
                                 .values(waitlisted=Session.waitlisted + 1, waitlist_seq=Session.waitlist_seq + 1)
                                 .returning(Session.waitlist_seq, Session.waitlisted)
                                 .execution_options(synchronize_session=False)).one()
    booking.status = "waitlisted"
    booking.waitlist_seq = ticket
    return waiting


def full() -> Conflict:
    return Conflict("The session is full and this offer keeps no waiting list.", slug="full", title="Full")


# PostgreSQL: the row lock, the place or ticket, the booking and its event in one round trip.
# Every sub-statement sees the session row as locked by `room`, the newest version.
_ONE_STATEMENT = text("""
WITH room AS (
    SELECT session_id, confirmed < capacity AS has_room
    FROM booking_sessions WHERE session_id = :session_id FOR UPDATE
), taken AS (
    UPDATE booking_sessions AS s SET
        confirmed = s.confirmed + CASE WHEN room.has_room THEN 1 ELSE 0 END,
        waitlisted = s.waitlisted + CASE WHEN room.has_room THEN 0 ELSE 1 END,
        waitlist_seq = s.waitlist_seq + CASE WHEN room.has_room THEN 0 ELSE 1 END
    FROM room
    WHERE s.session_id = room.session_id AND (room.has_room OR :waitlist)
    RETURNING room.has_room, s.waitlist_seq, s.waitlisted
), booked AS (
    INSERT INTO booking_bookings (id, session_id, offer_id, worker_id, status, waitlist_seq, session_starts_at,
                                  version, created_by, created_at, updated_at)
    SELECT :id, :session_id, :offer_id, :worker_id,
           CASE WHEN has_room THEN 'confirmed' ELSE 'waitlisted' END,
           CASE WHEN has_room THEN NULL ELSE waitlist_seq END, :starts_at, 1, :created_by, :now, :now
    FROM taken
    RETURNING status
)
INSERT INTO booking_outbox (event_id, type, source, occurred_at, payload)
SELECT :event_id, 'booking.' || status, 'booking', :now,
       json_build_object('booking_id', :id, 'session_id', :session_id, 'offer_id', :offer_id,
                         'worker_id', :worker_id, 'status', status, 'version', 1)::text
FROM booked
RETURNING (SELECT has_room FROM taken), (SELECT waitlisted FROM taken), (SELECT waitlist_seq FROM taken)
""")


def _write_in_one_statement(db: DbSession, ctx, booking: Booking) -> int | None:
    row = db.execute(_ONE_STATEMENT, {
        "session_id": ctx.session_id, "waitlist": bool(ctx.waitlist), "id": booking.id, "offer_id": ctx.offer_id,
        "worker_id": booking.worker_id, "starts_at": booking.session_starts_at, "created_by": booking.created_by,
        "now": booking.created_at, "event_id": uuid.uuid4().hex}).first()
    if row is None:
        raise full()
    has_room, waiting, ticket = row
    after_commit_wake(db)
    booking.status = "confirmed" if has_room else "waitlisted"
    booking.waitlist_seq = None if has_room else ticket
    return None if has_room else waiting
