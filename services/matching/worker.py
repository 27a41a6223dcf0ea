"""Matching's event process: relays its outbox; consumes catalog's offers, booking's sign-ups and its own
needs.imported; runs needs import jobs and escalates needs past their due date."""
from __future__ import annotations

from shared.events.runners import build_runners as _build

from . import escalation
from .events import handlers
from .imports import run_next
from .models import inbox, outbox

IMPORTS_EVERY = 1.0  # seconds between looks for a queued import when there was none
ESCALATION_EVERY = 30.0  # seconds between looks for needs and problem items past their due date


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, inbox, handlers(), db=db, redis=redis,
                  pollers={"imports": (run_next, IMPORTS_EVERY),
                           "escalation": (escalation.run, ESCALATION_EVERY)})


if __name__ == "__main__":
    from services.cli import run_worker

    run_worker("matching")
