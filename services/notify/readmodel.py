"""What notify keeps of the other services, from their events: offers (titles, address, owning
union) and their sessions' start times, unions (names, paths), bookings (newest state by version).
And a worker's erasure: everything notify holds about the worker goes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shared.db import to_path
from shared.events import Envelope
from shared.timeutil import parse_iso

from . import kinds
from .models import Booking, DailySend, Delivery, Notification, Offer, OfferSession, Preference, Timer, Union

REMIND_BEFORE = timedelta(hours=24)


def apply_offer_event(session: Session, env: Envelope) -> None:
    data = env.data
    offer = session.get(Offer, data["offer_id"])
    if offer is not None and offer.revision >= data["revision"]:
        return  # older or repeated
    if offer is None:
        offer = Offer(offer_id=data["offer_id"])
        session.add(offer)
    offer.revision = data["revision"]
    offer.title = data["title"]
    offer.address = data.get("address") or ""
    offer.union_path = to_path(data.get("union_path") or [])
    offer.status = data["status"]
    for item in data.get("sessions") or []:
        starts_at = parse_iso(item["starts_at"])
        known = session.get(OfferSession, item["session_id"])
        if known is None:
            session.add(OfferSession(session_id=item["session_id"], offer_id=offer.offer_id, starts_at=starts_at))
        elif known.starts_at != starts_at:
            known.starts_at = starts_at
        session.execute(update(Timer).where(Timer.session_id == item["session_id"],
                                            Timer.type == kinds.SESSION_REMINDER,
                                            Timer.status == kinds.TIMER_PENDING)
                        .values(target_at=starts_at, due_at=starts_at - REMIND_BEFORE)
                        .execution_options(synchronize_session=False))
    session.flush()


def apply_union_event(session: Session, env: Envelope) -> None:
    """union.created / union.saved: the last word wins (unions never move)."""
    data = env.data
    union = session.get(Union, data["union_id"])
    if union is None:
        union = Union(union_id=data["union_id"])
        session.add(union)
    union.name = data.get("name") or data["union_id"]
    union.path = to_path(data.get("path") or [data["union_id"]])
    session.flush()


def record_booking(session: Session, data: dict) -> bool:
    """Keep the booking's newest state; False when this event is older than (or the same as) what is held."""
    held = session.get(Booking, data["booking_id"])
    version = int(data.get("version") or 0)
    if held is not None and held.version >= version:
        return False
    if held is None:
        session.add(Booking(booking_id=data["booking_id"], worker_id=data["worker_id"], session_id=data["session_id"],
                            offer_id=data["offer_id"], status=data.get("status") or "", version=version))
    else:
        held.status, held.version = data.get("status") or held.status, version
    session.flush()
    return True


def record_bookings(session: Session, rows: list[dict]) -> list[dict]:
    """record_booking for many bookings at once (a draw's losers): one read of what is held; returns the
    rows that were newer than it, in their order (the others would mislead, as in record_booking)."""
    held = {b.booking_id: b for b in session.scalars(
        select(Booking).where(Booking.booking_id.in_({r["booking_id"] for r in rows})))} if rows else {}
    fresh = []
    for data in rows:
        version, known = int(data.get("version") or 0), held.get(data["booking_id"])
        if known is not None and known.version >= version:
            continue
        if known is None:
            held[data["booking_id"]] = Booking(booking_id=data["booking_id"], worker_id=data["worker_id"],
                                               session_id=data["session_id"], offer_id=data["offer_id"],
                                               status=data.get("status") or "", version=version)
            session.add(held[data["booking_id"]])
        else:
            known.status, known.version = data.get("status") or known.status, version
        fresh.append(data)
    session.flush()
    return fresh


def offer_of(session: Session, offer_id: str) -> Offer | None:
    return session.get(Offer, offer_id)


def start_of(session: Session, session_id: str):
    found = session.get(OfferSession, session_id)
    return found.starts_at if found else None


def union_of(session: Session, union_id: str | None) -> Union | None:
    return session.get(Union, union_id) if union_id else None


def apply_worker_erased(session: Session, env: Envelope) -> None:
    """The worker asked to be forgotten: its inbox, deliveries, timers, preferences (number, openid) go."""
    worker_id = env.data["worker_id"]
    mine = select(Notification.id).where(Notification.recipient_kind == kinds.WORKER,
                                         Notification.recipient_id == worker_id)
    session.execute(delete(Delivery).where(Delivery.notification_id.in_(mine)))
    for stmt in (delete(Notification).where(Notification.recipient_kind == kinds.WORKER,
                                            Notification.recipient_id == worker_id),
                 delete(Timer).where(Timer.worker_id == worker_id),
                 delete(Preference).where(Preference.worker_id == worker_id),
                 delete(DailySend).where(DailySend.worker_id == worker_id),
                 update(Booking).where(Booking.worker_id == worker_id).values(worker_id=env.data.get("pseudonym")
                                                                              or "erased")):
        session.execute(stmt.execution_options(synchronize_session=False))
