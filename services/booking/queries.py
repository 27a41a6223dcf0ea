"""Reading bookings and session availability, with the access rules."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.api import paginate
from shared.auth import Principal
from shared.db import path_contains
from shared.errors import Forbidden, NotFound

from .models import BookableSession, Booking, Offer


def get_booking(session: Session, principal: Principal, booking_id: str) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or not _may_see(session, principal, booking):
        raise NotFound(f"No booking {booking_id!r} that you may see.")
    return booking


def _may_see(session: Session, principal: Principal, booking: Booking) -> bool:
    if principal.is_admin:
        return True
    if principal.is_worker:
        return booking.worker_id == principal.sub
    offer = session.get(Offer, booking.offer_id)
    return offer is not None and principal.acts_for(offer.union_path_ids)


def list_bookings(session: Session, principal: Principal, args: dict) -> dict:
    stmt = select(Booking)
    if principal.is_worker:
        if args.get("worker_id", principal.sub) != principal.sub:  # one rule: what you may not see is 404
            raise NotFound(f"No worker {args['worker_id']!r} that you may see.")
        stmt = stmt.where(Booking.worker_id == principal.sub)
    elif principal.is_staff:
        # By session (the index that leads with session_id), not by offer: the draw is faster without an
        # index on offer_id (each index costs every booking row the draw writes).
        stmt = stmt.where(Booking.session_id.in_(
            select(BookableSession.session_id).join(Offer, Offer.offer_id == BookableSession.offer_id)
            .where(path_contains(Offer.union_path, principal.union_id))))
    if "session_id" in args:
        sess = session.get(BookableSession, args["session_id"])
        if sess is None:
            raise NotFound(f"No session {args['session_id']!r}.")
        _check_roster_access(session, principal, sess.offer_id)
        stmt = stmt.where(Booking.session_id == args["session_id"])
    if "offer_id" in args:
        _check_roster_access(session, principal, args["offer_id"])
        stmt = stmt.where(Booking.session_id.in_(select(BookableSession.session_id)
                                                 .where(BookableSession.offer_id == args["offer_id"])))
    if "status" in args:
        stmt = stmt.where(Booking.status == args["status"])
    if "worker_id" in args and not principal.is_worker:
        stmt = stmt.where(Booking.worker_id == args["worker_id"])
    stmt = stmt.order_by(Booking.created_at, Booking.id)
    return paginate(session, stmt, args["page"], args["per_page"])


def _check_roster_access(session: Session, principal: Principal, offer_id: str) -> None:
    if principal.is_worker:
        return  # a worker's list is already only its own bookings
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(f"No offer {offer_id!r} known to booking.")
    if not principal.acts_for(offer.union_path_ids):
        raise Forbidden("Staff see rosters only for their unions' offers.")


def session_availability(session: Session, session_id: str) -> dict:
    sess = session.get(BookableSession, session_id)
    offer = session.get(Offer, sess.offer_id) if sess else None
    if sess is None or offer is None or offer.status == "draft":
        raise NotFound(f"No session {session_id!r} of a published offer.")
    return {"session_id": sess.session_id, "offer_id": sess.offer_id, "starts_at": sess.starts_at,
            "capacity": sess.capacity, "confirmed": sess.confirmed, "waitlisted": sess.waitlisted,
            "applied": sess.applied, "offered": sess.offered,
            "remaining": max(sess.capacity - sess.confirmed - sess.offered, 0), "offer_status": offer.status,
            "waitlist": offer.waitlist, "allocation": sess.mode, "applications_open_at": sess.applications_open_at,
            "applications_close_at": sess.applications_close_at, "drawn_at": sess.drawn_at}
