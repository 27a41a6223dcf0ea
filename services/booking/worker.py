"""Booking's event process: relays its outbox; consumes catalog's offers and matching's profiles;
expires the waiting lists of sessions that have started."""
from __future__ import annotations

from shared.event_types import OfferEvent, ProfileEvent, WorkerEvent
from shared.events.runners import build_runners as _build

from .models import inbox, outbox
from .readmodel import apply_offer_event, apply_profile_event, apply_worker_erased
from .waitlist import expire_due

EXPIRE_EVERY = 2.0  # seconds between looks for started sessions with a waiting list

_HANDLERS = {
    "catalog": {t: apply_offer_event for t in OfferEvent},
    "matching": {ProfileEvent.SAVED: apply_profile_event, WorkerEvent.ERASED: apply_worker_erased},
}


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    return _HANDLERS


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, inbox, handlers(), db=db, redis=redis,
                  pollers={"waitlist-expiry": (expire_due, EXPIRE_EVERY)})

