"""Channel sends: quiet hours, the daily cap, preferences at send time, retries with back-off
(against the fake servers), `failed` for staff, a claim whose worker died."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from services.notify import rules
from services.notify.channels import SendFailed, SmsChannel, WeChatChannel
from services.notify.models import Delivery
from services.notify.sending import LEASE, send_due
from shared.config import NotifySettings
from tests.notify.conftest import Clock, booking_data, deliveries, local, notifications, offer_data, set_prefs
from tests.notify.fakes import SEND_PATH, SMS_PATH, sms_gateway, wechat_api
from tests.notify.test_channels import sms_settings, wechat_settings

SETTINGS = NotifySettings(daily_cap=5, max_attempts=4, retry_seconds=60)


def confirm(events, n=1, worker="w1", kind="booking.confirmed", start=0):
    for i in range(start, start + n):
        events.deliver("booking", kind, booking_data(booking_id=f"b{i}", worker_id=worker,
                                                     status="confirmed", version=1))


def statuses(db):
    return sorted((d.channel, d.status) for d in deliveries(db))


def test_sends_through_each_channel_the_worker_keeps(events, notify_db, channels, clock):
    set_prefs(notify_db, "w1")
    confirm(events)
    assert send_due(notify_db, channels, SETTINGS, clock) == 2
    assert statuses(notify_db) == [("sms", "sent"), ("wechat", "sent")]
    (address, message), = channels["sms"].sent
    assert address == "+8613812345678" and message.title == "报名成功" and message.link == "/bookings/b0"
    assert channels["wechat"].sent[0][0] == "oAbC123456"
    assert send_due(notify_db, channels, SETTINGS, clock) == 0  # nothing twice


def test_quiet_hours_hold_sends_until_eight_but_the_inbox_has_it(events, notify_db, channels):
    set_prefs(notify_db, "w1")
    confirm(events)
    clock = Clock(local(1, 23, 30))
    assert rules.is_quiet(clock())
    send_due(notify_db, channels, SETTINGS, clock)
    assert statuses(notify_db) == [("sms", "held"), ("wechat", "held")]
    assert {d.next_attempt_at for d in deliveries(notify_db)} == {local(2, 8)}
    assert len(notifications(notify_db)) == 1 and channels["sms"].sent == []
    clock.now = local(2, 7, 59)
    assert send_due(notify_db, channels, SETTINGS, clock) == 0
    clock.now = local(2, 8)
    send_due(notify_db, channels, SETTINGS, clock)
    assert statuses(notify_db) == [("sms", "sent"), ("wechat", "sent")]


def test_promotions_and_same_day_reminders_go_out_in_quiet_hours(events, notify_db, channels):
    set_prefs(notify_db, "w1")
    events.deliver("booking", "booking.promoted", booking_data(status="confirmed", version=2))
    send_due(notify_db, channels, SETTINGS, Clock(local(1, 2)))
    assert statuses(notify_db) == [("sms", "sent"), ("wechat", "sent")]


def test_what_is_urgent():
    night = local(1, 23)
    assert rules.is_urgent("booking.promoted", night)
    assert rules.is_urgent("session.reminder", night, target=local(1, 23, 45))  # tonight
    assert rules.is_urgent("session.reminder", night, target=local(2, 7, 30))  # before the release
    assert not rules.is_urgent("session.reminder", night, target=local(2, 9))
    assert not rules.is_urgent("booking.offered", night)
    assert rules.quiet_ends(local(1, 7)) == local(1, 8) and rules.quiet_ends(local(1, 8)) == local(2, 8)
    assert not rules.is_quiet(local(1, 8)) and rules.is_quiet(local(1, 22)) and not rules.is_quiet(local(1, 21, 59))


def test_the_daily_cap_per_worker_and_channel(events, notify_db, channels, clock):
    set_prefs(notify_db, "w1", openid=None)
    set_prefs(notify_db, "w2", openid=None)
    confirm(events, 7)
    confirm(events, 2, worker="w2", start=100)
    while send_due(notify_db, channels, SETTINGS, clock):
        pass
    by_worker = {}
    for d in deliveries(notify_db):
        by_worker.setdefault(d.worker_id, []).append(d.status)
    assert sorted(by_worker["w1"]) == ["sent"] * 5 + ["skipped"] * 2
    assert by_worker["w2"] == ["sent", "sent"]
    capped = [d for d in deliveries(notify_db) if d.status == "skipped"]
    assert {d.last_error for d in capped} == {"daily cap reached"}
    # A promotion is never capped; tomorrow the count starts again.
    events.deliver("booking", "booking.promoted", booking_data(booking_id="bp", status="confirmed", version=2))
    confirm(events, 1, start=50)
    while send_due(notify_db, channels, SETTINGS, clock):
        pass
    assert len(channels["sms"].sent) == 8
    confirm(events, 1, start=60)
    clock.advance(days=1)
    send_due(notify_db, channels, SETTINGS, clock)
    assert len(channels["sms"].sent) == 9
    assert len(notifications(notify_db, "w1")) == 10  # the inbox has every one


def test_cap_zero_means_no_cap(events, notify_db, channels, clock):
    set_prefs(notify_db, "w1", openid=None)
    confirm(events, 7)
    while send_due(notify_db, channels, NotifySettings(daily_cap=0), clock):
        pass
    assert len(channels["sms"].sent) == 7


def test_a_channel_turned_off_before_the_send_is_skipped(events, notify_db, channels, clock, client, token):
    set_prefs(notify_db, "w1")
    confirm(events)
    resp = client.put("/notify/preferences", {"sms": False, "wechat": True}, token=token("worker", "w1"))
    assert resp.status_code == 200
    send_due(notify_db, channels, SETTINGS, clock)
    assert statuses(notify_db) == [("sms", "skipped"), ("wechat", "sent")]
    assert channels["sms"].sent == []


def test_failures_are_retried_with_back_off_against_the_gateway(events, notify_db, clock):
    gateway = sms_gateway()
    try:
        gateway.then(SMS_PATH, (500, {}), (503, {}))
        channels = {"sms": SmsChannel(sms_settings(gateway.base), "NOTE"), "wechat": None}
        set_prefs(notify_db, "w1", openid=None)
        confirm(events)
        send_due(notify_db, channels, SETTINGS, clock)
        (d,) = deliveries(notify_db)
        assert (d.status, d.attempts, d.last_error) == ("pending", 1, "HTTP 500")
        assert d.next_attempt_at == clock() + timedelta(seconds=60)
        clock.advance(seconds=59)
        assert send_due(notify_db, channels, SETTINGS, clock) == 0  # not yet
        clock.advance(seconds=1)
        send_due(notify_db, channels, SETTINGS, clock)
        (d,) = deliveries(notify_db)
        assert (d.status, d.attempts, d.last_error) == ("pending", 2, "HTTP 503")
        assert d.next_attempt_at == clock() + timedelta(seconds=120)  # doubled
        clock.advance(seconds=120)
        send_due(notify_db, channels, SETTINGS, clock)
        (d,) = deliveries(notify_db)
        assert (d.status, d.attempts, d.sent_at, d.next_attempt_at) == ("sent", 3, clock(), None)
        assert len(gateway.requests(SMS_PATH)) == 3
    finally:
        gateway.close()


def test_after_the_last_attempt_the_delivery_is_failed_and_staff_see_it(events, notify_db, clock, client, token):
    wechat = wechat_api()
    try:
        wechat.then(SEND_PATH, *[(200, {"errcode": -1, "errmsg": "busy"})] * 10)
        channels = {"sms": None, "wechat": WeChatChannel(wechat_settings(wechat.base))}
        set_prefs(notify_db, "w1", phone=None)
        events.deliver("catalog", "offer.published", offer_data())
        confirm(events)
        for _ in range(SETTINGS.max_attempts):
            send_due(notify_db, channels, SETTINGS, clock)
            clock.advance(hours=1)
        (d,) = deliveries(notify_db)
        assert (d.status, d.attempts, d.last_error, d.next_attempt_at) == ("failed", 4, "errcode -1", None)
        assert len(wechat.requests(SEND_PATH)) == 4
        assert send_due(notify_db, channels, SETTINGS, clock) == 0
        listed = client.get("/notify/deliveries?status=failed", token=token("staff", union="u-sip")).get_json()
        assert [i["id"] for i in listed["items"]] == [d.id]
    finally:
        wechat.close()


def test_a_refusal_for_good_fails_at_once(events, notify_db, channels, clock):
    set_prefs(notify_db, "w1", openid=None)
    channels["sms"].fail_next.append(SendFailed("HTTP 400", permanent=True))
    confirm(events)
    send_due(notify_db, channels, SETTINGS, clock)
    (d,) = deliveries(notify_db)
    assert (d.status, d.attempts, d.last_error) == ("failed", 1, "HTTP 400")


def test_an_adapter_bug_is_a_failure_to_retry(events, notify_db, channels, clock):
    set_prefs(notify_db, "w1", openid=None)
    channels["sms"].fail_next.append(RuntimeError("boom"))
    confirm(events)
    send_due(notify_db, channels, SETTINGS, clock)
    (d,) = deliveries(notify_db)
    assert (d.status, d.last_error) == ("pending", "error (RuntimeError)")


def test_a_claim_whose_worker_died_is_taken_over_after_its_lease(events, notify_db, channels, clock):
    set_prefs(notify_db, "w1", openid=None)
    confirm(events)
    with notify_db.transaction() as s:  # as a worker leaves it when it dies between claim and record
        s.execute(update(Delivery).values(status="sending", attempts=1, next_attempt_at=clock() + LEASE))
    assert send_due(notify_db, channels, SETTINGS, clock) == 0
    clock.advance(seconds=LEASE.total_seconds())
    send_due(notify_db, channels, SETTINGS, clock)
    (d,) = deliveries(notify_db)
    assert (d.status, d.attempts) == ("sent", 2) and len(channels["sms"].sent) == 1


@pytest.mark.parametrize("attempts, seconds", [(1, 60), (2, 120), (3, 240), (7, 3600), (30, 3600)])
def test_back_off(attempts, seconds, clock):
    assert rules.next_try(clock(), attempts, 60) - clock() == timedelta(seconds=seconds)
    assert rules.next_try(clock(), 3, 7200) - clock() == timedelta(seconds=7200)
