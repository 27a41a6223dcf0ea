"""Catalog's event process: relays catalog's outbox to its stream (it consumes nothing)."""
from __future__ import annotations

from shared.events.runners import build_runners as _build

from .models import outbox


def build_runners(config, db=None, redis=None) -> list:
    return _build(config, outbox, db=db, redis=redis)

