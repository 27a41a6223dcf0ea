"""Signing up: every rule, then a place taken by one conditional UPDATE.

Capacity is the database's job: `UPDATE booking_sessions SET confirmed =
confirmed + 1 WHERE session_id = :s AND confirmed < capacity` either takes a
place or changes nothing; then a waiting-list ticket comes from the same row.
The partial unique index on (session_id, worker_id) for active bookings stops a
second active booking even if two requests race past the friendly check.
"""
from __future__ import annotations

import zlib
from datetime import timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from shared.auth import Principal
from shared.db import new_id
from shared.eligibility import WorkerAttrs, check
from shared.errors import Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed
from shared.timeutil import local_today, utcnow

from . import events
from .models import ACTIVE, Booking, Offer, Profile, Session

NOT_CANCELLED = ACTIVE


def not_open(detail: str) -> Conflict:
    return Conflict(detail, slug="not-open", title="Not open for sign-up")


def sign_up(db: DbSession, principal: Principal, session_id: str, worker_id: str | None) -> Booking:
    worker_id = _whose(principal, worker_id)
    sess = db.get(Session, session_id)
    offer = db.get(Offer, sess.offer_id) if sess else None
    if sess is None or offer is None or offer.status == "draft":
        raise NotFound(f"No session {session_id!r} of a published offer.")
    if offer.status != "published":
        raise not_open("The offer is closed: no more sign-ups.")
    now = utcnow()
    if sess.starts_at <= now:
        raise not_open("The session has already started.")
    if principal.is_staff and not principal.acts_for(offer.union_path_ids):
        raise Forbidden("Staff book on a worker's behalf only for their unions' offers.")
    _check_eligible(db, offer, worker_id)
    if db.scalar(select(Booking.id).where(Booking.session_id == session_id, Booking.worker_id == worker_id,
                                          Booking.status.in_(ACTIVE))):
        raise already_booked()
    if offer.per_worker_limit:
        _check_limit(db, offer, sess, worker_id)
    booking = Booking(id=new_id("bkg"), session_id=session_id, offer_id=offer.offer_id, worker_id=worker_id,
                      session_starts_at=sess.starts_at, version=1, created_by=principal.sub, created_at=now,
                      updated_at=now)
    _take_place_or_ticket(db, offer, sess, booking)
    db.add(booking)
    try:
        db.flush()
    except IntegrityError:
        raise already_booked() from None
    events.publish(db, events.CONFIRMED if booking.status == "confirmed" else events.WAITLISTED, booking)
    return booking


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


def _check_eligible(db: DbSession, offer: Offer, worker_id: str) -> None:
    profile = db.get(Profile, worker_id)
    if profile is None:
        raise Unprocessable("The worker has no profile yet: save one at PUT /matching/workers/<id> first.",
                            slug="profile-required", title="Profile required")
    attrs = WorkerAttrs(profile.birth_date, profile.district, profile.worker_category, profile.union_member)
    failures = check(offer.eligibility, attrs, local_today())
    if failures:
        raise Unprocessable("Not eligible: " + "; ".join(f"{f.rule} {f.message}" for f in failures) + ".",
                            slug="not-eligible", title="Not eligible",
                            extra={"failed_rules": [f.rule for f in failures]})


def _check_limit(db: DbSession, offer: Offer, sess: Session, worker_id: str) -> None:
    limit = offer.per_worker_limit
    if not db.get_bind().dialect.name == "sqlite":
        # One worker's parallel sign-ups for one offer queue here (SQLite serialises anyway).
        key = zlib.crc32(f"{worker_id}|{offer.offer_id}".encode()) - 2**31
        db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    window = timedelta(days=limit["period_days"])
    held = db.scalar(select(func.count()).select_from(Booking).where(
        Booking.worker_id == worker_id, Booking.offer_id == offer.offer_id, Booking.status.in_(NOT_CANCELLED),
        Booking.session_starts_at > sess.starts_at - window, Booking.session_starts_at < sess.starts_at + window))
    if held >= limit["count"]:
        raise Conflict(f"At most {limit['count']} booking(s) on this offer within {limit['period_days']} days; "
                       f"this worker holds {held}.", slug="limit-exceeded", title="Limit exceeded")


def _take_place_or_ticket(db: DbSession, offer: Offer, sess: Session, booking: Booking) -> None:
    took = db.execute(update(Session).where(Session.session_id == sess.session_id,
                                            Session.confirmed < Session.capacity)
                      .values(confirmed=Session.confirmed + 1).returning(Session.confirmed)
                      .execution_options(synchronize_session=False)).first()
    if took:
        booking.status = "confirmed"
        return
    if not offer.waitlist:
        raise Conflict("The session is full and this offer keeps no waiting list.", slug="full", title="Full")
    ticket = db.execute(update(Session).where(Session.session_id == sess.session_id)
                        .values(waitlisted=Session.waitlisted + 1, waitlist_seq=Session.waitlist_seq + 1)
                        .returning(Session.waitlist_seq).execution_options(synchronize_session=False)).scalar_one()
    booking.status = "waitlisted"
    booking.waitlist_seq = ticket
