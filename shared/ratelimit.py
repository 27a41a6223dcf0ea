"""Per-caller rate limits in Redis (fixed one-minute windows). An admission gate
only: if Redis does not answer, requests go through and the failure is logged.

Every request carrying a valid token counts against its caller's limit for
the minute (PER_CALLER, by role): generous, it stops a runaway client, not a
busy one. A view marked @replays_first (an idempotent POST) is left out of the
check made before it runs: it answers a replay from its stored answer first,
then calls check() itself, so a retry of an acknowledged request is never 429.
"""
from __future__ import annotations

import logging
import time

from flask import Flask, current_app, request

from .auth import current_principal
from .errors import DomainError, RateLimited
from .events.streams import redis_for

log = logging.getLogger("unionhub.ratelimit")

# Requests per caller per minute, whatever the endpoint. A worker's app makes a few
# calls a screen; staff at an interview point and admin tools make many more.
PER_CALLER = {"worker": 600, "staff": 1200, "admin": 3000}


def replays_first(fn):
    """Mark a view that answers replays before it calls check() itself."""
    fn._replays_first = True
    return fn


def check(caller: str, role: str, **named: int) -> None:
    """Count one request of caller against its role's limit and each named per-minute limit
    (e.g. sign_up=30) in one Redis round trip; 429 rate-limited with Retry-After past any."""
    _admit(caller, {"all": PER_CALLER[role], **named})


def limit(name: str, caller: str, per_minute: int) -> None:
    """One named limit alone: 429 rate-limited past per_minute calls of caller this minute."""
    _admit(caller, {name: per_minute})


_skip_until = 0.0  # after Redis fails, requests pass without asking it for a few seconds
SKIP_AFTER_FAILURE = 5.0


def _admit(caller: str, limits: dict[str, int]) -> None:
    global _skip_until
    now = time.time()
    if now < _skip_until:
        return
    window = int(now // 60)
    prefix = current_app.config["UNIONHUB"].stream_prefix
    try:
        pipe = redis_for(current_app).pipeline(transaction=False)
        for name in limits:
            key = f"{prefix}:rl:{name}:{caller}:{window}"
            pipe.incr(key)
            pipe.expire(key, 120)
        counts = pipe.execute()[::2]
    except Exception as exc:  # noqa: BLE001 - whatever the client raises (RedisError, or a ValueError from
        # a connection a timed-out read left closed), an admission gate lets the request through
        _skip_until = now + SKIP_AFTER_FAILURE
        log.warning("rate limit not checked for %.0f s (Redis: %s: %s)", SKIP_AFTER_FAILURE, type(exc).__name__, exc)
        return
    for (name, per_minute), count in zip(limits.items(), counts):
        if count > per_minute:
            retry = 60 - int(now) % 60
            what = "requests" if name == "all" else f"{name.replace('_', '-')} requests"
            raise RateLimited(f"More than {per_minute} {what} a minute; try again in {retry} s.",
                              headers={"Retry-After": retry})


def _view_method():
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(getattr(view, "view_class", None), request.method.lower(), view)


def per_caller(app: Flask) -> None:
    """Check every authenticated request against its caller's limit before the view runs."""

    @app.before_request
    def _per_caller_limit():
        if request.headers.get("Authorization") is None or getattr(_view_method(), "_replays_first", False):
            return
        try:
            principal = current_principal()
        except DomainError:
            return  # a bad token: the view says 401 if it needs one, and a public read ignores it
        if principal is not None:
            check(principal.sub, principal.role)
