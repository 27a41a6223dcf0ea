"""session.waitlisted, a ballot draw's losers in batches: each item tells its worker, in words for a
ballot, once; the booking states are kept as booking.waitlisted would keep them; channels as ever."""
from __future__ import annotations

import time

from sqlalchemy import event, select

from services.notify.models import Booking
from services.notify.sending import send_due
from services.notify.triggers import on_session_waitlisted
from services.notify.worker import handlers
from shared.config import NotifySettings
from shared.event_types import SessionEvent
from tests.notify.conftest import booking_data, deliveries, notifications, offer_data, set_prefs


def batch(workers, version=2, offer_id="o1", session_id="s1") -> dict:
    return {"session_id": session_id, "offer_id": offer_id, "status": "waitlisted",
            "items": [{"booking_id": f"b-{w}", "worker_id": w, "version": version, "rank": rank}
                      for rank, w in enumerate(workers, 3)]}


def test_each_loser_is_told_once_in_words_for_a_ballot(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data())
    env = events.deliver("booking", "session.waitlisted", batch(["w1", "w2", "w3"]))
    notes = notifications(notify_db)
    assert sorted((n.recipient_kind, n.recipient_id, n.trigger) for n in notes) == [
        ("worker", w, f"{env.id}:b-{w}") for w in ("w1", "w2", "w3")]
    for note in notes:
        assert note.type == "session.waitlisted" and note.title == "未中签，已进入候补"
        assert "「网约车司机免费体检」" in note.body and "抽签" in note.body and "候补" in note.body
        assert "已满" not in note.body  # not the first-come text: the session was drawn, not full
        assert note.link == f"/bookings/b-{note.recipient_id}" and note.union_path == "/u-city/u-sip/"
    with notify_db.transaction() as s:
        assert {(b.booking_id, b.worker_id, b.status, b.version) for b in s.scalars(select(Booking))} == {
            (f"b-{w}", w, "waitlisted", 2) for w in ("w1", "w2", "w3")}


def test_a_repeat_makes_nothing_twice(events, notify_db):
    env = events.deliver("booking", "session.waitlisted", batch(["w1", "w2"]))
    events.deliver("booking", "session.waitlisted", batch(["w1", "w2"]), event_id=env.id)  # redelivered
    events.deliver("booking", "session.waitlisted", batch(["w1", "w2"]))  # the same again, a new id
    assert len(notifications(notify_db)) == 2
    with notify_db.transaction() as s:  # applied twice in one transaction (the consumer's inbox aside)
        on_session_waitlisted(s, env)
        on_session_waitlisted(s, env)
    assert len(notifications(notify_db)) == 2


def test_an_item_older_than_the_booking_held_tells_nothing(events, notify_db):
    events.deliver("booking", "booking.cancelled", booking_data(booking_id="b-w1", status="cancelled", version=3))
    events.deliver("booking", "session.waitlisted", batch(["w1", "w2"]))
    assert [n.recipient_id for n in notifications(notify_db)] == ["w2"]
    with notify_db.transaction() as s:
        assert (s.get(Booking, "b-w1").status, s.get(Booking, "b-w1").version) == ("cancelled", 3)


def test_channels_as_each_worker_keeps_them(events, notify_db, clock, channels):
    set_prefs(notify_db, "w1")
    set_prefs(notify_db, "w2", sms=False)  # switched SMS off
    events.deliver("booking", "session.waitlisted", batch(["w1", "w2", "w3"]))  # w3: no address at all
    by_worker = {}
    for d in deliveries(notify_db):
        by_worker.setdefault(d.worker_id, []).append(d)
    assert sorted(d.channel for d in by_worker["w1"]) == ["sms", "wechat"]
    assert [d.channel for d in by_worker["w2"]] == ["wechat"] and "w3" not in by_worker
    assert not any(d.urgent for ds in by_worker.values() for d in ds)  # quiet hours and the daily cap apply
    send_due(notify_db, channels, NotifySettings(), clock)
    assert [addr for addr, _ in channels["sms"].sent] == ["+8613812345678"]
    assert len(channels["wechat"].sent) == 2


def test_a_full_batch_is_a_few_statements(events, notify_db):
    """500 items, every worker with both channels: the statements do not grow with the items."""
    workers = [f"w{i:03d}" for i in range(500)]
    events.deliver("catalog", "offer.published", offer_data())
    for w in workers:
        set_prefs(notify_db, w)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = notify_db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        events.send("booking", "session.waitlisted", batch(workers))
        started = time.perf_counter()
        events.apply()
        took = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(notifications(notify_db)) == 500 and len(deliveries(notify_db)) == 1000
    assert len(statements) < 40, statements
    print(f"500 items: {took * 1000:.0f} ms, {len(statements)} statements")


def test_notifys_worker_consumes_it_from_booking():
    assert handlers()["booking"][SessionEvent.WAITLISTED] is on_session_waitlisted
