"""Booking's event process: relays its outbox; consumes catalog's offers and matching's profiles;
expires the waiting lists of sessions that have started."""
from __future__ import annotations

from shared.events.runners import build_runners as _build

from .events import handlers
from .models import inbox, outbox
from .waitlist import expire_due

EXPIRE_EVERY = 2.0  # seconds between looks for started sessions with a waiting list


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, inbox, handlers(), db=db, redis=redis,
                  pollers={"waitlist-expiry": (expire_due, EXPIRE_EVERY)})

