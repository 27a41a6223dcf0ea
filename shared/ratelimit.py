"""Per-caller rate limits in Redis (fixed windows). An admission gate only: if
Redis does not answer, requests go through and the failure is logged."""
from __future__ import annotations

import logging
import time

from flask import current_app
from redis.exceptions import RedisError

from .errors import RateLimited

log = logging.getLogger("unionhub.ratelimit")


def limit(name: str, caller: str, per_minute: int) -> None:
    """Raise 429 rate-limited (with Retry-After) past per_minute calls in the current minute."""
    from .app import redis_for

    window = int(time.time() // 60)
    key = f"{current_app.config['UNIONHUB'].stream_prefix}:rl:{name}:{caller}:{window}"
    try:
        pipe = redis_for(current_app).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, 120)
        count = pipe.execute()[0]
    except RedisError as exc:
        log.warning("rate limit not checked (Redis: %s)", exc)
        return
    if count > per_minute:
        retry = 60 - int(time.time()) % 60
        raise RateLimited(f"More than {per_minute} requests a minute; try again in {retry} s.",
                          headers={"Retry-After": retry})
