"""What the accounts views share, built once per app; tests swap the clock, the sleep, the hasher or the sender."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from flask import current_app, request

from shared.db import Database
from shared.timeutil import utcnow

from . import throttle
from .passwords import Hasher
from .senders import Sender

EXTENSION = "unionhub.accounts"


@dataclass
class Accounts:
    db: Database
    secret: str
    code_key: bytes  # HMAC key for codes and hashed numbers, derived from JWT_SECRET
    sender: Sender
    hasher: Hasher
    trusted_proxies: tuple
    clock: Callable = utcnow
    sleep: Callable = time.sleep  # the slow-down after repeated failed sign-ins

    def client_address(self) -> str:
        return throttle.client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                                       self.trusted_proxies)


def accounts() -> Accounts:
    return current_app.extensions[EXTENSION]
