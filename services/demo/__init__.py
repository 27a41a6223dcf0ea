"""Demo data drawn from DOMAIN.md. Loading twice changes nothing: every id is fixed."""
from __future__ import annotations

import logging

from shared.config import Settings

log = logging.getLogger("unionhub.demo")


def load(settings: Settings) -> None:
    from . import accounts, catalog, matching

    catalog.load(settings.service("catalog"))
    matching.load(settings.service("matching"), campaign=settings.demo_scale == "campaign")
    accounts.load(settings.service("accounts"))
