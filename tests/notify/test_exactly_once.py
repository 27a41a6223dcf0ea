"""One notification per recipient and trigger: under redelivery, with two notify workers racing
(real threads; on PostgreSQL when TEST_DATABASE_URL is set), and for timers and sends."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from services.notify.models import Delivery, Notification
from services.notify.sending import send_due
from services.notify.timers import fire_due
from shared.config import NotifySettings
from shared.db import Database
from shared.timeutil import utcnow
from tests.notify.conftest import CountingChannel, booking_data, notifications, offer_data, set_prefs


def test_a_redelivered_event_notifies_once(events, notify_db):
    env = events.send("booking", "booking.confirmed", booking_data())
    events.send("booking", "booking.confirmed", booking_data(), event_id=env.id)  # the relay sent it again
    events.apply()
    events.deliver("booking", "booking.confirmed", booking_data(), event_id=env.id)
    assert len(notifications(notify_db)) == 1


def test_an_event_left_pending_by_a_dead_worker_notifies_once(events, notify_db, configs, redis_client):
    env = events.send("booking", "booking.confirmed", booking_data())
    dead = events.new_consumer(notify_db, name="dead-one")
    stream = f"{configs['notify'].stream_prefix}:booking:events"
    dead.ensure_groups()
    redis_client.xreadgroup("notify", "dead-one", {stream: ">"}, count=10)  # read, never acknowledged
    events.consumer.claim_idle_ms = 0
    events.apply()  # reclaims it
    events.deliver("booking", "booking.confirmed", booking_data(), event_id=env.id)
    assert [n.trigger for n in notifications(notify_db)] == [env.id]


def _race(targets) -> None:
    start = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            start.wait()
            target()
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_two_notify_workers_racing_make_one_notification_each(events, configs, redis_client, notify_db):
    set_prefs(notify_db, "w7")
    events.deliver("catalog", "offer.published", offer_data())
    sent = []
    for i in range(60):  # each booking event twice on the stream (a relay re-sent it)
        env = events.send("booking", "booking.confirmed", booking_data(booking_id=f"b{i}", worker_id=f"w{i % 10}"))
        events.send("booking", "booking.confirmed", booking_data(booking_id=f"b{i}", worker_id=f"w{i % 10}"),
                    event_id=env.id)
        sent.append(env.id)
    items = [{"worker_id": f"m{i}", "need_ids": [f"n{i}"]} for i in range(400)]
    for chunk in (items[:250], items[150:]):  # overlapping: the same offer told twice to w150..w249
        events.send("matching", "offer.matches_need", {"offer_id": "o1", "title": "体检", "kind": "health_checkup",
                                                       "items": chunk})
    dbs = [Database(configs["notify"].database_url) for _ in range(2)]
    workers = [events.new_consumer(db, name=f"racer-{k}") for k, db in enumerate(dbs)]
    for w in workers:
        w.batch = 7  # many small batches: the two interleave

    def drain(worker):
        def go():
            idle = 0
            while idle < 3:
                idle = 0 if worker.run_once(block_ms=0) else idle + 1
        return go

    try:
        _race([drain(w) for w in workers])
    finally:
        for db in dbs:
            db.dispose()
    notes = notifications(notify_db)
    per_trigger = Counter((n.recipient_id, n.trigger) for n in notes)
    assert max(per_trigger.values()) == 1
    assert sorted(n.trigger for n in notes if n.type == "booking.confirmed") == sorted(sent)
    assert sum(1 for n in notes if n.type == "offer.matches_need") == 400
    with notify_db.transaction() as s:  # w7's six confirmations: two channels each, no more
        assert s.scalar(select(func.count()).select_from(Delivery)) == 12


def test_two_workers_fire_each_timer_and_send_each_delivery_once(events, configs, notify_db):
    starts = utcnow() + timedelta(days=2)
    events.deliver("catalog", "offer.published", offer_data(starts_at=starts))
    for i in range(40):
        set_prefs(notify_db, f"w{i}")
        events.deliver("booking", "booking.confirmed", booking_data(booking_id=f"b{i}", worker_id=f"w{i}"))
    due = starts - timedelta(hours=24)
    dbs = [Database(configs["notify"].database_url) for _ in range(2)]
    fired = []
    try:
        _race([lambda db=db: fired.append(sum(iter(lambda: fire_due(db, now=due, batch=3), 0))) for db in dbs])
        assert sum(fired) == 40
        channels = {"sms": CountingChannel("sms"), "wechat": CountingChannel("wechat")}
        settings = NotifySettings(daily_cap=0)
        noon = due.replace(hour=4, minute=0) + timedelta(days=1)  # 12:00 in Suzhou: not quiet

        def sender(db):
            return lambda: [None for _ in iter(lambda: send_due(db, channels, settings, lambda: noon, batch=3), 0)]

        _race([sender(db) for db in dbs])
    finally:
        for db in dbs:
            db.dispose()
    reminders = [n for n in notifications(notify_db) if n.type == "session.reminder"]
    assert sorted(n.recipient_id for n in reminders) == sorted(f"w{i}" for i in range(40))
    # 40 confirmations + 40 reminders, each through SMS and WeChat: each sent once.
    assert len(channels["sms"].sent) == 80 and len(channels["wechat"].sent) == 80
    assert len({(a, m.title, m.link) for a, m in channels["sms"].sent}) == 80
    with notify_db.transaction() as s:
        assert set(s.scalars(select(Delivery.status))) == {"sent"}
        assert s.scalar(select(func.count()).select_from(Notification)) == 80
