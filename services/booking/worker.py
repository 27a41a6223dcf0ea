"""Booking's event process: relays its outbox; consumes catalog's offers and matching's profiles and open
needs; expires the waiting lists of sessions that have started; draws ballots at their close and passes
on the places not accepted in time."""
from __future__ import annotations

from shared.event_types import OfferEvent, ProfileEvent, WorkerEvent
from shared.events.runners import build_runners as _build

from .ballot_readmodel import apply_open_needs
from .drawrun import run_due
from .models import inbox, outbox
from .offering import pass_on_due
from .readmodel import apply_offer_event, apply_profile_event, apply_worker_erased
from .waitlist import expire_due

EXPIRE_EVERY = 2.0  # seconds between looks for started sessions with a waiting list
DRAW_EVERY = 2.0  # seconds between looks for ballots whose window has closed
PASS_ON_EVERY = 5.0  # seconds between looks for places offered and not accepted in time

_HANDLERS = {
    "catalog": {t: apply_offer_event for t in OfferEvent},
    "matching": {ProfileEvent.SAVED: apply_profile_event, WorkerEvent.ERASED: apply_worker_erased,
                 WorkerEvent.OPEN_NEEDS: apply_open_needs},
}


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    return _HANDLERS


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, inbox, handlers(), db=db, redis=redis,
                  pollers={"waitlist-expiry": (expire_due, EXPIRE_EVERY), "ballot-draw": (run_due, DRAW_EVERY),
                           "ballot-pass-on": (pass_on_due, PASS_ON_EVERY)})
