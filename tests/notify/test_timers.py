"""Timers are rows: they fire when due, once, and after a restart (new processes, same database)."""
from __future__ import annotations

from datetime import timedelta

from services import registry
from services.notify.models import Timer
from services.notify.timers import fire_due
from shared.db import Database
from shared.timeutil import utcnow
from tests.notify.conftest import booking_data, notifications, offer_data, set_prefs


def test_a_session_reminder_fires_once_when_due(events, notify_db):
    starts = utcnow() + timedelta(days=3)
    events.deliver("catalog", "offer.published", offer_data(starts_at=starts, address="星湖街1号"))
    events.deliver("booking", "booking.confirmed", booking_data())
    due = starts - timedelta(hours=24)
    assert fire_due(notify_db, now=due - timedelta(seconds=1)) == 0
    assert fire_due(notify_db, now=due) == 1
    assert fire_due(notify_db, now=due + timedelta(hours=1)) == 0
    confirmed, reminder = notifications(notify_db)
    assert reminder.type == "session.reminder" and reminder.trigger == "session.reminder:b1"
    assert "星湖街1号" in reminder.body and reminder.link == "/bookings/b1"
    with notify_db.transaction() as s:
        timer = s.get(Timer, "session.reminder:b1")
        assert timer.status == "done" and timer.fired_at == due


def test_a_reminder_for_a_booking_no_longer_confirmed_is_dropped(events, notify_db):
    starts = utcnow() + timedelta(days=3)
    events.deliver("catalog", "offer.published", offer_data(starts_at=starts))
    events.deliver("booking", "booking.confirmed", booking_data())
    events.deliver("booking", "booking.attended", booking_data(status="attended", version=2))  # early check-in
    assert fire_due(notify_db, now=starts) == 0  # cancelled by the event
    assert [n.type for n in notifications(notify_db)] == ["booking.confirmed"]


def test_the_acceptance_reminder_fires_12h_before_the_deadline(events, notify_db):
    accept_by = (utcnow() + timedelta(hours=48)).replace(microsecond=0)
    set_prefs(notify_db, "w1")
    events.deliver("booking", "booking.offered", booking_data(status="offered", accept_by=accept_by.isoformat()))
    assert fire_due(notify_db, now=accept_by - timedelta(hours=12)) == 1
    offered, expiring = notifications(notify_db)
    assert expiring.type == "booking.offer_expiring" and "前确认" in expiring.body


def test_timers_survive_a_restart_and_fire_once(events, configs, redis_client, notify_db):
    starts = utcnow() + timedelta(days=2)
    events.deliver("catalog", "offer.published", offer_data(starts_at=starts))
    for i in range(3):
        events.deliver("booking", "booking.confirmed", booking_data(booking_id=f"b{i}", worker_id=f"w{i}"))
    # "Restart": new processes, each with its own connection pool, over the same database.
    due = starts - timedelta(hours=24) + timedelta(minutes=1)
    fresh = [Database(configs["notify"].database_url) for _ in range(2)]
    try:
        assert fire_due(fresh[0], now=due) == 3
        assert fire_due(fresh[1], now=due) == 0
        runners = registry.build_runners("notify", configs["notify"], db=fresh[1], redis=redis_client)
        assert any(r.name == "notify-timers" for r in runners if hasattr(r, "step"))
    finally:
        for db in fresh:
            db.dispose()
    assert sorted(n.recipient_id for n in notifications(notify_db) if n.type == "session.reminder") == ["w0", "w1", "w2"]


def test_redelivering_the_confirmation_keeps_one_timer(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data())
    env = events.deliver("booking", "booking.confirmed", booking_data())
    events.deliver("booking", "booking.confirmed", booking_data(), event_id=env.id)
    with notify_db.transaction() as s:
        assert s.query(Timer).count() == 1
