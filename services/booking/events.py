"""What booking publishes: booking.* (shared/event_types.BookingEvent) with one payload.

What it consumes is wired in worker.py."""
from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from shared.event_types import BookingEvent
from shared.events import record_event

from .models import Booking, outbox


def payload(booking: Booking) -> dict:
    return {"booking_id": booking.id, "session_id": booking.session_id, "offer_id": booking.offer_id,
            "worker_id": booking.worker_id, "status": booking.status, "version": booking.version}


def publish(tx: Session | Connection, event_type: BookingEvent, booking: Booking) -> None:
    record_event(tx, outbox, event_type, payload(booking))
