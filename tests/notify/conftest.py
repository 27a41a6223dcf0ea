"""Notify fixtures: synthetic events put on the producers' streams and applied by notify's own
consumer; a clock the test moves; a channel that counts what it is given."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.notify import worker
from services.notify.models import Delivery, Notification, Preference, inbox
from shared.events import Envelope, stream_name
from shared.events.consumer import Consumer
from shared.timeutil import LOCAL_TZ, utcnow


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A moment in Asia/Shanghai, `day_offset` days after today (there), as UTC."""
    today = utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=day_offset)
    return datetime(today.year, today.month, today.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@pytest.fixture
def clock():
    return Clock(local(1, 10))  # tomorrow 10:00 in Suzhou: not quiet, and after every row made now


class Events:
    def __init__(self, configs, db, redis):
        self.redis, self.prefix = redis, configs["notify"].stream_prefix
        self.consumer = self.new_consumer(db)

    def new_consumer(self, db, name=None) -> Consumer:
        streams = {stream_name(self.prefix, svc): h for svc, h in worker.handlers().items()}
        return Consumer(db, self.redis, "notify", inbox, streams, name=name)

    def send(self, producer: str, event_type: str, data: dict, event_id: str | None = None) -> Envelope:
        env = Envelope(type=event_type, data=data, source=producer, **({"id": event_id} if event_id else {}))
        self.redis.xadd(stream_name(self.prefix, producer), env.to_fields())
        return env

    def apply(self) -> int:
        total = 0
        while moved := self.consumer.run_once(block_ms=0):
            total += moved
        return total

    def deliver(self, producer: str, event_type: str, data: dict, event_id: str | None = None) -> Envelope:
        env = self.send(producer, event_type, data, event_id)
        self.apply()
        return env


@pytest.fixture
def events(configs, dbs, redis_client):
    return Events(configs, dbs["notify"], redis_client)


@pytest.fixture
def notify_db(dbs):
    return dbs["notify"]


class CountingChannel:
    """Takes every message (or fails as told) and remembers what it was given."""

    def __init__(self, name: str):
        self.name, self.sent, self.fail_next = name, [], []

    def send(self, address, message):
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.sent.append((address, message))


@pytest.fixture
def channels():
    return {"sms": CountingChannel("sms"), "wechat": CountingChannel("wechat")}


def offer_data(offer_id="o1", title="网约车司机免费体检", starts_at=None, union_path=("u-city", "u-sip"), revision=1,
               session_id="s1", status="published", address="星湖街1号") -> dict:
    starts_at = starts_at or utcnow() + timedelta(days=3)
    return {"offer_id": offer_id, "revision": revision, "union_id": union_path[-1], "union_path": list(union_path),
            "kind": "health_checkup", "title": title, "address": address, "status": status,
            "sessions": [{"session_id": session_id, "starts_at": starts_at.isoformat(),
                          "ends_at": (starts_at + timedelta(hours=3)).isoformat(), "capacity": 10}]}


def booking_data(booking_id="b1", worker_id="w1", status="confirmed", version=1, offer_id="o1", session_id="s1",
                 **extra) -> dict:
    return {"booking_id": booking_id, "session_id": session_id, "offer_id": offer_id, "worker_id": worker_id,
            "status": status, "version": version, **extra}


def union_data(union_id, name, path) -> dict:
    return {"union_id": union_id, "name": name, "district": "sip", "parent_id": path[-2] if len(path) > 1 else None,
            "path": list(path)}


def notifications(db, recipient_id=None) -> list[Notification]:
    with db.transaction() as s:
        stmt = select(Notification).order_by(Notification.created_at, Notification.id)
        if recipient_id is not None:
            stmt = stmt.where(Notification.recipient_id == recipient_id)
        return list(s.scalars(stmt))


def deliveries(db) -> list[Delivery]:
    with db.transaction() as s:
        return list(s.scalars(select(Delivery).order_by(Delivery.created_at, Delivery.id)))


def set_prefs(db, worker_id, phone="+8613812345678", openid="oAbC123456", sms=True, wechat=True) -> None:
    with db.transaction() as s:
        pref = s.get(Preference, worker_id) or Preference(worker_id=worker_id)
        pref.phone, pref.wechat_openid, pref.sms, pref.wechat = phone, openid, sms, wechat
        pref.updated_at = utcnow()
        s.add(pref)
