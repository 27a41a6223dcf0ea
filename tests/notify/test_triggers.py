"""Each trigger, from a synthetic event on its producer's stream to the inbox (and the deliveries)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.notify.models import Booking, Notification, Preference, Timer
from shared.timeutil import utcnow
from tests.notify.conftest import (booking_data, deliveries, notifications, offer_data, set_prefs,
                                   union_data)


def test_booking_confirmed_tells_the_worker_with_the_offer_and_its_time(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data())
    env = events.deliver("booking", "booking.confirmed", booking_data())
    (note,) = notifications(notify_db)
    assert (note.recipient_kind, note.recipient_id, note.trigger) == ("worker", "w1", env.id)
    assert note.type == "booking.confirmed" and note.title == "报名成功"
    assert "「网约车司机免费体检」" in note.body and note.link == "/bookings/b1"
    assert note.union_path == "/u-city/u-sip/" and note.read_at is None


def test_an_unknown_offer_still_makes_a_notification(events, notify_db):
    events.deliver("booking", "booking.waitlisted", booking_data(status="waitlisted"))
    (note,) = notifications(notify_db)
    assert note.type == "booking.waitlisted" and "你报名的活动" in note.body and note.union_path == ""


def test_waitlisted_and_promoted(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data())
    set_prefs(notify_db, "w1")
    events.deliver("booking", "booking.waitlisted", booking_data(status="waitlisted", version=1))
    events.deliver("booking", "booking.promoted", booking_data(status="confirmed", version=2))
    waitlisted, promoted = notifications(notify_db)
    assert waitlisted.type == "booking.waitlisted" and "候补名单" in waitlisted.body
    assert promoted.type == "booking.promoted" and "递补" in promoted.body
    by_note = {}
    for d in deliveries(notify_db):
        by_note.setdefault(d.notification_id, []).append(d)
    assert sorted(d.channel for d in by_note[promoted.id]) == ["sms", "wechat"]
    assert all(d.urgent for d in by_note[promoted.id]) and not any(d.urgent for d in by_note[waitlisted.id])


def test_an_older_booking_event_tells_nothing(events, notify_db):
    events.deliver("booking", "booking.cancelled", booking_data(status="cancelled", version=2))
    events.deliver("booking", "booking.confirmed", booking_data(status="confirmed", version=1))  # late
    assert notifications(notify_db) == []
    with notify_db.transaction() as s:
        assert s.get(Booking, "b1").status == "cancelled"


def test_a_confirmed_booking_gets_a_reminder_24h_before_and_a_cancel_drops_it(events, notify_db):
    starts = utcnow() + timedelta(days=3)
    events.deliver("catalog", "offer.published", offer_data(starts_at=starts))
    events.deliver("booking", "booking.confirmed", booking_data())
    with notify_db.transaction() as s:
        timer = s.get(Timer, "session.reminder:b1")
        assert timer.status == "pending" and timer.due_at == starts - timedelta(hours=24)
    events.deliver("booking", "booking.cancelled", booking_data(status="cancelled", version=2))
    with notify_db.transaction() as s:
        assert s.get(Timer, "session.reminder:b1").status == "cancelled"
    assert [n.type for n in notifications(notify_db)] == ["booking.confirmed"]  # a cancel tells nothing


def test_no_reminder_when_booked_within_24_hours(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data(starts_at=utcnow() + timedelta(hours=5)))
    events.deliver("booking", "booking.confirmed", booking_data())
    with notify_db.transaction() as s:
        assert s.scalars(select(Timer)).all() == []


def test_a_reminder_waits_for_the_session_start_to_be_known(events, notify_db):
    events.deliver("booking", "booking.confirmed", booking_data())  # before the offer's event
    with notify_db.transaction() as s:
        assert s.get(Timer, "session.reminder:b1").due_at is None
    starts = utcnow() + timedelta(days=2)
    events.deliver("catalog", "offer.published", offer_data(starts_at=starts))
    with notify_db.transaction() as s:
        assert s.get(Timer, "session.reminder:b1").due_at == starts - timedelta(hours=24)


def test_a_ballot_win_tells_the_deadline_and_sets_a_reminder_12h_before(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data(starts_at=utcnow() + timedelta(days=10)))
    accept_by = (utcnow() + timedelta(hours=48)).replace(microsecond=0)
    events.deliver("booking", "booking.offered", booking_data(status="offered", accept_by=accept_by.isoformat()))
    (note,) = notifications(notify_db)
    assert note.type == "booking.offered" and "抽中" in note.body and "前确认" in note.body
    with notify_db.transaction() as s:
        timer = s.get(Timer, "booking.offer_expiring:b1")
        assert timer.due_at == accept_by - timedelta(hours=12) and timer.target_at == accept_by
    events.deliver("booking", "booking.accepted", booking_data(status="confirmed", version=2))
    with notify_db.transaction() as s:
        assert s.get(Timer, "booking.offer_expiring:b1").status == "cancelled"
        assert s.get(Timer, "session.reminder:b1").status == "pending"  # accepted: now a confirmed booking


def test_passed_on_cancels_the_acceptance_reminder(events, notify_db):
    accept_by = utcnow() + timedelta(hours=30)
    events.deliver("booking", "booking.offered", booking_data(status="offered", accept_by=accept_by.isoformat()))
    events.deliver("booking", "booking.passed_on", booking_data(status="expired", version=2))
    with notify_db.transaction() as s:
        assert s.get(Timer, "booking.offer_expiring:b1").status == "cancelled"


def test_offer_matches_need_tells_each_worker_once_with_a_link_to_the_offer(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data(offer_id="o9", title="太湖疗休养"))
    items = [{"worker_id": f"w{i}", "need_ids": [f"n{i}"]} for i in range(500)]
    events.deliver("matching", "offer.matches_need", {"offer_id": "o9", "title": "太湖疗休养", "kind": "rest_trip",
                                                      "items": items})
    notes = notifications(notify_db)
    assert len(notes) == 500 and {n.recipient_id for n in notes} == {f"w{i}" for i in range(500)}
    note = notes[0]
    assert note.type == "offer.matches_need" and note.title == "你的需求有回应了"
    assert "「太湖疗休养」" in note.body and note.link == "/offers/o9" and note.trigger == "offer.matches_need:o9"
    # Another event about the same offer (matching published twice) tells nobody again.
    events.deliver("matching", "offer.matches_need", {"offer_id": "o9", "title": "太湖疗休养", "kind": "rest_trip",
                                                      "items": items[:10] + [{"worker_id": "w-new", "need_ids": []}]})
    assert len(notifications(notify_db)) == 501


def test_need_changes_tell_the_worker_with_a_link_to_the_need(events, notify_db):
    events.deliver("catalog", "union.created", union_data("u-sip", "园区总工会", ["u-city", "u-sip"]))
    base = {"need_id": "need_1", "worker_id": "w1", "union_id": "u-sip", "category": "housing"}
    events.deliver("matching", "need.assigned", {**base, "assignee": "staff-1", "due_date": "2026-12-20"})
    events.deliver("matching", "need.responded", {**base, "offer_ids": []})
    events.deliver("matching", "need.resolved", {**base, "outcome": "referred"})
    assigned, responded, resolved = notifications(notify_db)
    assert assigned.type == "need.assigned" and "园区总工会已受理" in assigned.body and "12月20日" in assigned.body
    assert responded.type == "need.responded" and "答复" in responded.body
    assert resolved.type == "need.resolved" and "满意吗" in resolved.title and "已转介其他单位办理" in resolved.body
    assert {n.link for n in (assigned, responded, resolved)} == {"/needs/need_1"}
    assert {n.recipient_id for n in (assigned, responded, resolved)} == {"w1"}
    assert resolved.union_path == "/u-city/u-sip/"
    # A sign-up that meets a need resolves it as booked: booking.confirmed already told the worker.
    events.deliver("matching", "need.resolved", {**base, "need_id": "need_2", "outcome": "booked"})
    assert len(notifications(notify_db)) == 3


def test_reopened_and_escalated_tell_the_owning_unions_staff(events, notify_db):
    events.deliver("catalog", "union.created", union_data("u-city", "苏州市总工会", ["u-city"]))
    events.deliver("catalog", "union.created", union_data("u-sip", "园区总工会", ["u-city", "u-sip"]))
    events.deliver("matching", "need.reopened", {"need_id": "need_1", "worker_id": "w1", "union_id": "u-sip",
                                                 "assignee": None, "reason": "not_satisfied"})
    events.deliver("matching", "need.escalated", {"need_id": "need_2", "worker_id": "w2", "from_union_id": "u-sip",
                                                  "union_id": "u-city", "category": "wages_benefits"})
    events.deliver("matching", "need.reopened", {"need_id": "need_3", "worker_id": "w3", "union_id": None,
                                                 "assignee": None, "reason": "not_satisfied"})  # owned by nobody
    reopened, escalated = notifications(notify_db)
    assert (reopened.recipient_kind, reopened.recipient_id, reopened.type) == ("union", "u-sip", "need.reopened")
    assert (escalated.recipient_kind, escalated.recipient_id) == ("union", "u-city")
    assert "在园区总工会逾期" in escalated.body and escalated.link == "/staff/needs/need_2"
    assert deliveries(notify_db) == []  # staff read theirs in the inbox


def test_offer_updates_keep_the_read_model(events, notify_db):
    events.deliver("catalog", "offer.published", offer_data(title="旧标题"))
    events.deliver("catalog", "offer.updated", offer_data(title="新标题", revision=3))
    events.deliver("catalog", "offer.updated", offer_data(title="过时的", revision=2))  # older: ignored
    events.deliver("booking", "booking.confirmed", booking_data())
    assert "「新标题」" in notifications(notify_db)[0].body


def test_no_delivery_without_an_address_or_with_the_channel_off(events, notify_db):
    set_prefs(notify_db, "w2", phone=None, openid="oAbC123456")
    set_prefs(notify_db, "w3", sms=False, wechat=False)
    for i, w in enumerate(("w1", "w2", "w3")):
        events.deliver("booking", "booking.confirmed", booking_data(booking_id=f"b{i}", worker_id=w))
    got = [(d.worker_id, d.channel) for d in deliveries(notify_db)]
    assert got == [("w2", "wechat")]
    assert len(notifications(notify_db)) == 3  # the inbox is always on


def test_an_erased_worker_leaves_nothing_here(events, notify_db):
    set_prefs(notify_db, "w1")
    events.deliver("booking", "booking.confirmed", booking_data())
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b2", worker_id="w2"))
    events.deliver("matching", "worker.erased", {"worker_id": "w1", "pseudonym": "erased-1"})
    assert [n.recipient_id for n in notifications(notify_db)] == ["w2"]
    assert deliveries(notify_db) == []
    with notify_db.transaction() as s:
        assert s.get(Preference, "w1") is None
        assert s.scalars(select(Notification).where(Notification.recipient_id == "w1")).all() == []
