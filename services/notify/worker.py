"""Notify's event process: consumes catalog's offers and unions, booking's bookings (and a draw's losers,
session.waitlisted) and matching's answers and need changes (the map below); polls its timers and its
channel sends. It publishes nothing."""
from __future__ import annotations

from shared.config import NotifySettings
from shared.events.runners import build_runners as _build

from . import kinds, readmodel, sending, timers, triggers
from .channels import build_channels
from .models import inbox

TIMERS_EVERY = 1.0  # seconds between looks for due reminders when there was none
SENDS_EVERY = 1.0  # seconds between looks for due channel sends when there was none
BOOKING_EVENTS = (kinds.BOOKING_CONFIRMED, kinds.BOOKING_WAITLISTED, kinds.BOOKING_PROMOTED, kinds.BOOKING_OFFERED,
                  kinds.BOOKING_ACCEPTED, kinds.BOOKING_CANCELLED, kinds.BOOKING_ATTENDED, kinds.BOOKING_EXPIRED,
                  kinds.BOOKING_PASSED_ON, kinds.BOOKING_NO_SHOW)
NEED_EVENTS = (kinds.NEED_ASSIGNED, kinds.NEED_RESPONDED, kinds.NEED_RESOLVED, kinds.NEED_REOPENED,
               kinds.NEED_ESCALATED)


def handlers() -> dict[str, dict]:
    """Consumed event types, by publishing service."""
    return {
        "catalog": {**{t: readmodel.apply_offer_event for t in kinds.OFFER_EVENTS},
                    **{t: readmodel.apply_union_event for t in kinds.UNION_EVENTS}},
        "booking": {**{t: triggers.on_booking for t in BOOKING_EVENTS},
                    kinds.SESSION_WAITLISTED: triggers.on_session_waitlisted},
        "matching": {kinds.OFFER_MATCHES_NEED: triggers.on_offer_matches_need,
                     kinds.WORKER_ERASED: readmodel.apply_worker_erased,
                     **{t: triggers.on_need for t in NEED_EVENTS}},
    }


def build_runners(config, db=None, redis=None) -> list:
    settings = config.notify or NotifySettings()
    channels = build_channels(config.sms, settings)
    return _build(config, None, inbox, handlers(), db=db, redis=redis, pollers={
        "timers": (timers.fire_due, TIMERS_EVERY),
        "sends": (lambda database: sending.send_due(database, channels, settings), SENDS_EVERY)})
