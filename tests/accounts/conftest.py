"""Accounts fixtures: the app's shared context with a cheap hasher, a clock the test moves, no real sleeping."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from services.accounts import users
from services.accounts.context import EXTENSION
from services.accounts.passwords import Hasher
from services.accounts.senders import LogSender

# argon2id still, with small costs: the suite hashes often on 2 shared cores.
CHEAP = Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
START = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def acc(apps, clock):
    """The accounts app's context for one test; put back as it was afterwards."""
    context = apps["accounts"].extensions[EXTENSION]
    saved = (context.hasher, context.clock, context.sleep, context.sender)
    slept = []
    context.hasher, context.clock, context.sleep, context.sender = CHEAP, clock, slept.append, LogSender()
    context.slept = slept
    yield context
    context.hasher, context.clock, context.sleep, context.sender = saved
    del context.slept


@pytest.fixture
def make_user(acc, clock):
    def make(username="li", password="correct horse 1", role="staff", union_id="u-sip", display_name="李明",
             active=True):
        with acc.db.transaction() as session:
            user = users.create_user(session, acc.hasher, {"username": username, "password": password, "role": role,
                                                           "union_id": union_id if role == "staff" else None,
                                                           "display_name": display_name}, clock())
            user.active = active
        return user

    return make
