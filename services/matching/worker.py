"""Matching's event process: relays its outbox; consumes catalog's offers, booking's sign-ups and its own needs.imported."""
from __future__ import annotations

from shared.events.runners import build_runners as _build

from .events import handlers
from .models import inbox, outbox


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, inbox, handlers(), db=db, redis=redis)


if __name__ == "__main__":
    from services.cli import run_worker

    run_worker("matching")
