"""What booking publishes (booking.*) and consumes (catalog's offers, matching's profiles and erasures)."""
from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session as DbSession

from shared.events import record_event

from .models import Booking, outbox

CONFIRMED = "booking.confirmed"
WAITLISTED = "booking.waitlisted"
PROMOTED = "booking.promoted"
CANCELLED = "booking.cancelled"
ATTENDED = "booking.attended"
EXPIRED = "booking.expired"  # still waitlisted when the session started
ALL = (CONFIRMED, WAITLISTED, PROMOTED, CANCELLED, ATTENDED, EXPIRED)


def payload(booking: Booking) -> dict:
    return {"booking_id": booking.id, "session_id": booking.session_id, "offer_id": booking.offer_id,
            "worker_id": booking.worker_id, "status": booking.status, "version": booking.version}


def publish(db: DbSession | Connection, event_type: str, booking: Booking) -> None:
    record_event(db, outbox, event_type, payload(booking))


def handlers() -> dict[str, dict]:
    from .ballot_readmodel import apply_open_needs
    from .readmodel import apply_offer_event, apply_profile_event, apply_worker_erased

    return {
        "catalog": {"offer.published": apply_offer_event, "offer.updated": apply_offer_event,
                    "offer.closed": apply_offer_event},
        "matching": {"profile.saved": apply_profile_event, "worker.erased": apply_worker_erased,
                     "worker.open_needs": apply_open_needs},
    }
