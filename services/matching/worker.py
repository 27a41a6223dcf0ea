"""Matching's event process: relays its outbox; consumes catalog's offers and unions, booking's sign-ups
(booking.*, and session.waitlisted: a draw's losers in batches) and its own needs.imported (the handlers
are in readmodel.py); runs needs import jobs and escalates needs and problem items past their due date."""
from __future__ import annotations

from shared.event_types import BookingEvent, OfferEvent, SessionEvent, UnionEvent
from shared.events.runners import build_runners as _build

from . import escalation
from .events import NEEDS_IMPORTED
from .imports import run_next
from .models import inbox, outbox
from .readmodel import (apply_booking_event, apply_needs_imported, apply_offer_event, apply_session_waitlisted,
                        apply_union_event)

IMPORTS_EVERY = 1.0  # seconds between looks for a queued import when there was none
ESCALATION_EVERY = 30.0  # seconds between looks for needs and problem items past their due date


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    return {
        "catalog": {**{t: apply_offer_event for t in OfferEvent}, **{t: apply_union_event for t in UnionEvent}},
        "matching": {NEEDS_IMPORTED: apply_needs_imported},
        "booking": {**{t: apply_booking_event for t in BookingEvent},
                    SessionEvent.WAITLISTED: apply_session_waitlisted},
    }


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, inbox, handlers(), db=db, redis=redis,
                  pollers={"imports": (run_next, IMPORTS_EVERY), "escalation": (escalation.run, ESCALATION_EVERY)})
