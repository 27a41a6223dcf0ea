"""`events check` and `events replay`: who publishes what to whom, and the commands over it.

    python -m services.cli events check [--since TIME] [--grace SECONDS] [--json]
    python -m services.cli events replay --since TIME [--until TIME] [--service booking]
"""
from __future__ import annotations

import importlib
import json
import re
from datetime import datetime, timedelta

from shared.config import SERVICES, Settings
from shared.db import Database
from shared.events import stream_name
from shared.events.reconcile import check, replay
from shared.events.streams import connect_redis
from shared.timeutil import utcnow


def _module(service: str, name: str):
    try:
        return importlib.import_module(f"services.{service}.{name}")
    except ModuleNotFoundError:
        return None


def outboxes() -> dict:
    """Publishing service -> its outbox table."""
    return {s: m.outbox for s in SERVICES if (m := _module(s, "models")) is not None and hasattr(m, "outbox")}


def consumers() -> dict:
    """Consuming service -> (its inbox table, {publishing service: the event types it applies})."""
    out = {}
    for s in SERVICES:
        models, worker = _module(s, "models"), _module(s, "worker")
        if models is None or worker is None or not hasattr(models, "inbox") or not hasattr(worker, "handlers"):
            continue
        out[s] = (models.inbox, {producer: set(types) for producer, types in worker.handlers().items()})
    return out


def parse_time(raw: str) -> datetime:
    """An ISO 8601 time with an offset, or an age: 90s, 30m, 2h, 7d (that long ago)."""
    age = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd])", raw.strip())
    if age:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[age.group(2)]
        return utcnow() - timedelta(**{unit: float(age.group(1))})
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"not a time: {raw!r} (give e.g. 2026-11-25T10:00:00+08:00, or an age: 30m, 2h, 7d)") from None
    if moment.tzinfo is None:
        raise ValueError(f"give the time with its offset, e.g. {raw}+08:00")
    return moment


def run_check(settings: Settings, since: datetime | None, grace: timedelta) -> list:
    dbs = {s: Database(settings.database_urls[s]) for s in SERVICES}
    boxes = outboxes()
    gaps = [check(consumer, dbs[consumer], inbox, producer, dbs[producer], boxes[producer], types,
                  since=since, grace=grace)
            for consumer, (inbox, wants) in consumers().items()
            for producer, types in wants.items() if producer in boxes]
    for db in dbs.values():
        db.dispose()
    return gaps


def print_check(gaps: list, as_json: bool) -> None:
    if as_json:
        print(json.dumps([g.as_dict() for g in gaps]))
        return
    print(f"{'consumer':10} {'producer':10} {'written':>8} {'applied':>8} {'missing':>8} {'in flight':>9}  oldest missing")
    for g in gaps:
        print(f"{g.consumer:10} {g.producer:10} {g.written:8d} {g.applied:8d} {g.missing:8d} {g.in_flight:9d}  "
              f"{g.oldest_missing.isoformat() if g.oldest_missing else '-'}")
        for example in g.examples:
            print(f"{'':22}missing: {example}")
    if any(g.missing for g in gaps):
        oldest = min(g.oldest_missing for g in gaps if g.oldest_missing)
        print(f"gap: events written but never applied; to send them again: "
              f"python -m services.cli events replay --since {oldest.isoformat()}")


def run_replay(settings: Settings, since: datetime, until: datetime | None, services: list[str]) -> dict:
    redis = connect_redis(settings.redis_url)
    boxes = outboxes()
    sent = {}
    for service in services or list(boxes):
        db = Database(settings.database_urls[service])
        sent[service] = replay(db, boxes[service], redis, stream_name(settings.stream_prefix, service), since, until)
        db.dispose()
    return sent
