"""Signing up: every rule, then a place taken by one conditional UPDATE.

Capacity is the database's job: `UPDATE booking_sessions SET confirmed =
confirmed + 1 WHERE session_id = :s AND confirmed < capacity` either takes a
place or changes nothing; then a waiting-list ticket comes from the same row.
The partial unique index on (session_id, worker_id) for active bookings stops a
second active booking even if two requests race past the friendly check.

On PostgreSQL the place or ticket, the booking and its outbox event are one
statement; a sign-up without an Idempotency-Key runs it in autocommit, so the
whole sign-up is two round trips (read the context, write) — the rush's hot path.

Two entries: sign_up_and_commit() (its own transaction, committed before it
returns) and sign_up_in_transaction() (the caller's, which commits: an
Idempotency-Key's stored answer commits with the booking).
"""
from __future__ import annotations

import zlib
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import (JSON, Boolean, Connection, Date, Integer, String, bindparam, column, func, insert, select,
                        text, update)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.db import Database, UTCDateTime, new_id, path_ids
from shared.eligibility import WorkerAttrs, check
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed
from shared.event_types import BookingEvent
from shared.events.outbox import after_commit_wake, event_row, insert_select_sql
from shared.events.relay import wake_relays
from shared.timeutil import local_today, utcnow
from shared.vocab import AllocationMode, BookingStatus

from . import applications, events
from .models import ACTIVE, ACTIVE_SQL, BookableSession, Booking, outbox


def not_open(detail: str) -> Conflict:
    return Conflict(detail, slug="not-open", title="Not open for sign-up")


class SignUp(NamedTuple):
    booking: Booking
    waitlist_position: int | None  # a new ticket is the last in the queue


def sign_up_and_commit(database: Database, principal: Principal, session_id: str, worker_id: str | None) -> SignUp:
    """Sign up and commit before returning: the path of a request without an Idempotency-Key.

    The rules read without a transaction. On PostgreSQL the booking is then one
    statement that commits by itself (two round trips in all); a per-worker limit,
    whose lock must outlast one statement, and SQLite write in a short transaction."""
    worker_id = _whose(principal, worker_id)
    with database.autocommit() as conn:
        ctx = _checked_context(conn, principal, session_id, worker_id)
        booking = _new_booking(ctx, worker_id, principal)
        one_statement = conn.dialect.name == "postgresql" and not ctx.per_worker_limit
        if one_statement:
            position = _write(conn, ctx, booking)
    if not one_statement:
        with database.engine.begin() as conn:
            if ctx.per_worker_limit:
                _check_limit(conn, ctx, worker_id)
            position = _write(conn, ctx, booking)
    wake_relays()
    return SignUp(booking, position)


def sign_up_in_transaction(tx: Session, principal: Principal, session_id: str, worker_id: str | None) -> SignUp:
    """Sign up inside the caller's unit of work, which commits (an Idempotency-Key's stored answer
    commits with the booking)."""
    worker_id = _whose(principal, worker_id)
    conn = tx.connection()
    ctx = _checked_context(conn, principal, session_id, worker_id)
    booking = _new_booking(ctx, worker_id, principal)
    if ctx.per_worker_limit:
        _check_limit(conn, ctx, worker_id)
    position = _write(conn, ctx, booking)
    after_commit_wake(tx)
    return SignUp(booking, position)


def _checked_context(conn: Connection, principal: Principal, session_id: str, worker_id: str):
    """The context, once every rule that needs no lock has passed."""
    ctx = conn.execute(_CONTEXT, {"session_id": session_id, "worker_id": worker_id}).first()
    if ctx is None or ctx.offer_status == "draft":
        raise NotFound(f"No session {session_id!r} of a published offer.")
    if ctx.offer_status != "published":
        raise not_open("The offer is closed: no more sign-ups.")
    if ctx.starts_at <= utcnow():
        raise not_open("The session has already started.")
    if ctx.mode == AllocationMode.BALLOT:
        applications.check_window(ctx.applications_open_at, ctx.applications_close_at, ctx.drawn_at)
    if principal.is_staff and not principal.acts_for(path_ids(ctx.union_path)):
        raise Forbidden("Staff book on a worker's behalf only for their unions' offers.")
    _check_eligible(ctx)
    if ctx.booked:
        raise already_booked()
    return ctx


def _new_booking(ctx, worker_id: str, principal: Principal) -> Booking:
    now = utcnow()
    return Booking(id=new_id("bkg"), session_id=ctx.session_id, offer_id=ctx.offer_id, worker_id=worker_id,
                   session_starts_at=ctx.starts_at, version=1, created_by=principal.sub, created_at=now,
                   updated_at=now)


def _write(conn: Connection, ctx, booking: Booking) -> int | None:
    """The place or ticket, the booking and its event; the waiting-list position (None when confirmed).

    From here the session row is locked until commit: only quick statements, no reads."""
    try:
        if ctx.mode == AllocationMode.BALLOT:
            applications.write(conn, ctx, booking)  # an application: no place taken, however many apply
            return None
        if conn.dialect.name == "postgresql":
            return _write_in_one_statement(conn, ctx, booking)
        position = _take_place_or_ticket(conn, ctx, booking)
        conn.execute(_ADD_BOOKING, {c.key: getattr(booking, c.key) for c in Booking.__table__.columns})
        events.publish(conn, BookingEvent.CONFIRMED if booking.status == BookingStatus.CONFIRMED
                       else BookingEvent.WAITLISTED, booking)
        return position
    except IntegrityError:
        raise already_booked() from None


def _typed(**types):
    """Result columns given by position: SQLAlchemy then caches how to read the rows, not only the SQL."""
    return [column(name, type_) for name, type_ in types.items()]


# Prebuilt (compiled once) and with literal statuses, so that PostgreSQL uses the
# partial unique index (models.ONE_PER_SESSION_SQL) for the "already booked?" test even with a
# generic plan. A drawn booking is not in it, nor counted here: its session takes no more bookings.
_CONTEXT = text(f"""
SELECT s.session_id, s.starts_at, s.mode, s.applications_open_at, s.applications_close_at, s.drawn_at,
       o.offer_id, o.status AS offer_status, o.union_path, o.eligibility, o.ballot_seed,
       o.per_worker_limit, o.waitlist, p.worker_id AS profile, p.birth_date, p.district, p.worker_category,
       p.union_member,
       EXISTS (SELECT 1 FROM booking_bookings b
               WHERE b.session_id = s.session_id AND b.worker_id = :worker_id AND b.{ACTIVE_SQL}
                     AND b.ballot_rank IS NULL) AS booked
FROM booking_sessions s
JOIN booking_offers o ON o.offer_id = s.offer_id
LEFT JOIN booking_profiles p ON p.worker_id = :worker_id
WHERE s.session_id = :session_id
""").columns(*_typed(session_id=String, starts_at=UTCDateTime(), mode=String, applications_open_at=UTCDateTime(),
                    applications_close_at=UTCDateTime(), drawn_at=UTCDateTime(), offer_id=String, offer_status=String,
                    union_path=String, eligibility=JSON, ballot_seed=String, per_worker_limit=JSON, waitlist=Boolean, profile=String,
                    birth_date=Date, district=String, worker_category=String, union_member=Boolean, booked=Boolean))


def already_booked() -> Conflict:
    return Conflict("This worker already holds a booking on this session.", slug="already-booked",
                    title="Already booked")


def _whose(principal: Principal, worker_id: str | None) -> str:
    if principal.is_worker:
        if worker_id not in (None, principal.sub):
            raise NotFound(f"No worker {worker_id!r} that you may see.")  # one rule: what you may not see is 404
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


def _check_limit(conn: Connection, ctx, worker_id: str) -> None:
    limit = ctx.per_worker_limit
    if conn.dialect.name == "postgresql":
        # One worker's parallel sign-ups for one offer queue here (SQLite serialises anyway).
        key = zlib.crc32(f"{worker_id}|{ctx.offer_id}".encode()) - 2**31
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    window = timedelta(days=limit["period_days"])
    held = conn.scalar(select(func.count()).select_from(Booking).where(  # active: every booking but a cancelled one
        Booking.worker_id == worker_id, Booking.offer_id == ctx.offer_id, Booking.status.in_(ACTIVE),
        Booking.session_starts_at > ctx.starts_at - window, Booking.session_starts_at < ctx.starts_at + window))
    if held >= limit["count"]:
        raise Conflict(f"At most {limit['count']} booking(s) on this offer within {limit['period_days']} days; "
                       f"this worker holds {held}.", slug="limit-exceeded", title="Limit exceeded")


def _take_place_or_ticket(conn: Connection, ctx, booking: Booking) -> int | None:
    """Confirmed, or a waiting-list ticket; returns the waiting-list position (None when confirmed)."""
    if conn.execute(_TAKE_PLACE, {"sid": ctx.session_id}).first():
        booking.status = BookingStatus.CONFIRMED
        return None
    if not ctx.waitlist:
        raise full()
    ticket, waiting = conn.execute(_TAKE_TICKET, {"sid": ctx.session_id}).one()
    booking.status = BookingStatus.WAITLISTED
    booking.waitlist_seq = ticket
    return waiting


# The portable path's statements, built once (building a statement costs more than running it on SQLite).
_s = BookableSession.__table__.c
_TAKE_PLACE = (update(BookableSession.__table__).where(_s.session_id == bindparam("sid"), _s.confirmed < _s.capacity)
               .values(confirmed=_s.confirmed + 1).returning(_s.confirmed))
_TAKE_TICKET = (update(BookableSession.__table__).where(_s.session_id == bindparam("sid"))
                .values(waitlisted=_s.waitlisted + 1, waitlist_seq=_s.waitlist_seq + 1)
                .returning(_s.waitlist_seq, _s.waitlisted))
_ADD_BOOKING = insert(Booking.__table__)


def full() -> Conflict:
    return Conflict("The session is full and this offer keeps no waiting list.", slug="full", title="Full")


# PostgreSQL: the row lock, the place or ticket, the booking and its event in one round trip.
# Every sub-statement sees the session row as locked by `room`, the newest version. The event's
# row is the outbox module's (event_row's values), but for its type and status: those of the place taken.
_CONFIRMED, _WAITLISTED = BookingStatus.CONFIRMED, BookingStatus.WAITLISTED
_ONE_STATEMENT = text(f"""
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
           CASE WHEN has_room THEN '{_CONFIRMED}' ELSE '{_WAITLISTED}' END,
           CASE WHEN has_room THEN NULL ELSE waitlist_seq END, :starts_at, 1, :created_by, :now, :now
    FROM taken
    RETURNING status
)
{insert_select_sql(
    outbox, "booked",
    type=f"CASE status WHEN '{_CONFIRMED}' THEN '{BookingEvent.CONFIRMED}' ELSE '{BookingEvent.WAITLISTED}' END",
    payload="jsonb_set(CAST(:payload AS jsonb), '{status}', to_jsonb(status))::text")}
RETURNING (SELECT has_room FROM taken), (SELECT waitlisted FROM taken), (SELECT waitlist_seq FROM taken)
""").columns(*_typed(has_room=Boolean, waiting=Integer, ticket=Integer))


def _write_in_one_statement(conn: Connection, ctx, booking: Booking) -> int | None:
    row = conn.execute(_ONE_STATEMENT, {
        "session_id": ctx.session_id, "waitlist": bool(ctx.waitlist), "id": booking.id, "offer_id": ctx.offer_id,
        "worker_id": booking.worker_id, "starts_at": booking.session_starts_at, "created_by": booking.created_by,
        "now": booking.created_at,
        # the statement sets the event's type and the payload's status
        **event_row(outbox, BookingEvent.CONFIRMED, events.payload(booking))}).first()
    if row is None:
        raise full()
    has_room, waiting, ticket = row
    booking.status = BookingStatus.CONFIRMED if has_room else BookingStatus.WAITLISTED
    booking.waitlist_seq = None if has_room else ticket
    return None if has_room else waiting
