"""The inbox pages through the Flask test client: the worker's inbox, unread count, mark read,
settings; staff's union inbox and failed deliveries."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from services.notify.models import Delivery
from tests.notify.conftest import Events, booking_data, offer_data, set_prefs, union_data

from .conftest import csrf_of, sign_in_as

WORKER = "w-inbox-1"


@pytest.fixture
def events(configs, dbs, redis_client):
    return Events(configs, dbs["notify"], redis_client)


@pytest.fixture
def worker(browser_client, token):
    sign_in_as(browser_client, token("worker", WORKER), "worker", WORKER)
    return browser_client


@pytest.fixture
def told(events):
    """Two notifications for the worker: a booking and an answer to a need."""
    events.deliver("catalog", "offer.published", offer_data(offer_id="o-inbox", title="太湖疗休养"))
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b-inbox", worker_id=WORKER,
                                                                offer_id="o-inbox"))
    events.deliver("matching", "offer.matches_need", {"offer_id": "o-inbox", "title": "太湖疗休养",
                                                      "kind": "rest_trip", "items": [{"worker_id": WORKER,
                                                                                      "need_ids": ["n1"]}]})


def _post(c, page_path, path, data=None):
    return c.post(path, data={**(data or {}), "csrf_token": csrf_of(c.get(page_path).get_data(as_text=True))})


def test_the_inbox_marks_unread_and_the_navigation_counts_them(worker, told):
    page = worker.get("/inbox").get_data(as_text=True)
    assert "你的需求有回应了" in page and "报名成功" in page
    assert page.count('class="card note unread"') == 2
    assert re.search(r'消息<span class="badge" aria-hidden="true">2</span>', page)
    assert "（2 条未读）" in page
    home = worker.get("/bookings").get_data(as_text=True)  # every page's navigation
    assert '<span class="badge" aria-hidden="true">2</span>' in home


def test_mark_read_and_open_a_notification(worker, told, client, token):
    items = client.get("/notify/inbox", token=token("worker", WORKER)).get_json()["items"]
    answer = next(n for n in items if n["type"] == "offer.matches_need")
    resp = _post(worker, "/inbox", f"/inbox/{answer['id']}/open")
    assert resp.status_code == 302 and resp.headers["Location"] == "/offers/o-inbox"
    page = worker.get("/inbox").get_data(as_text=True)
    assert page.count('class="card note unread"') == 1
    assert '<span class="badge" aria-hidden="true">1</span>' in page
    other = next(n for n in items if n["type"] == "booking.confirmed")
    resp = _post(worker, "/inbox", f"/inbox/{other['id']}/read", {"unread": "1"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/inbox?unread=1")
    page = worker.get("/inbox?unread=1").get_data(as_text=True)
    assert "没有未读消息。" in page and 'class="badge"' not in page


def test_mark_all_read(worker, told):
    resp = _post(worker, "/inbox", "/inbox/read-all")
    assert resp.status_code == 302
    assert "已将 2 条消息标为已读。" in worker.get("/inbox").get_data(as_text=True)


def test_another_workers_notification_is_the_404_page(worker, told, browser_client, token, web_app):
    other = web_app.test_client()
    sign_in_as(other, token("worker", "w-someone"), "worker", "w-someone")
    mine = worker.get("/inbox").get_data(as_text=True)
    note_id = re.search(r'/inbox/(ntf_[0-9a-f]+)/read', mine).group(1)
    resp = _post(other, "/inbox", f"/inbox/{note_id}/read")
    assert resp.status_code == 404 and "没有找到" in resp.get_data(as_text=True)


def test_an_empty_inbox_and_pages_for_workers_only(worker, browser_client, web_app, token):
    assert "还没有消息。" in worker.get("/inbox").get_data(as_text=True)
    anonymous = web_app.test_client()
    resp = anonymous.get("/inbox")
    assert resp.status_code == 302 and "/signin" in resp.headers["Location"]
    staff = web_app.test_client()
    sign_in_as(staff, token("staff", union="u-sip"), "staff", "staff-1", "u-sip")
    assert staff.get("/inbox").status_code == 403
    assert staff.get("/preferences").status_code == 403


def test_settings_turn_channels_off_and_keep_the_number_masked(worker):
    page = worker.get("/preferences").get_data(as_text=True)
    assert "用短信通知我" in page and "填上手机号才能收到短信。" in page
    resp = _post(worker, "/preferences", "/preferences", {"wechat": "on", "phone": "138 1234 5678"})
    assert resp.status_code == 302
    page = worker.get("/preferences").get_data(as_text=True)
    assert "当前：138****5678" in page and "13812345678" not in page
    assert re.search(r'name="sms"\s*>', page) and re.search(r'name="wechat" checked', page)
    resp = _post(worker, "/preferences", "/preferences", {"sms": "on", "phone": "12345"})
    assert resp.status_code == 422
    assert "请输入11位中国大陆手机号" in resp.get_data(as_text=True)
    resp = _post(worker, "/preferences", "/preferences", {"sms": "on", "remove_phone": "on"})
    assert "填上手机号才能收到短信。" in worker.get("/preferences").get_data(as_text=True)


@pytest.fixture
def staff(web_app, token):
    c = web_app.test_client()
    sign_in_as(c, token("staff", union="u-sip"), "staff", "staff-sip", "u-sip")
    return c


def test_staff_read_their_unions_inbox(staff, events):
    events.deliver("catalog", "union.created", union_data("u-sip", "园区总工会", ["u-city", "u-sip"]))
    events.deliver("matching", "need.reopened", {"need_id": "need-9", "worker_id": "w9", "union_id": "u-sip",
                                                 "assignee": None, "reason": "not_satisfied"})
    events.deliver("matching", "need.escalated", {"need_id": "need-8", "worker_id": "w8", "union_id": "u-gusu",
                                                  "from_union_id": "u-x", "category": "housing"})
    page = staff.get("/staff/inbox").get_data(as_text=True)
    assert "职工对处理结果不满意" in page and "有逾期需求上报" not in page
    assert '<span class="badge" aria-hidden="true">1</span>' in page
    note_id = re.search(r'/staff/inbox/(ntf_[0-9a-f]+)/open', page).group(1)
    resp = _post(staff, "/staff/inbox", f"/staff/inbox/{note_id}/open")
    assert resp.headers["Location"] == "/staff/needs/need-9"
    assert 'class="badge"' not in staff.get("/staff/inbox").get_data(as_text=True)


def test_staff_see_failed_deliveries_and_send_again(staff, events, dbs):
    set_prefs(dbs["notify"], "w5", openid=None)
    events.deliver("catalog", "offer.published", offer_data())  # u-sip's offer
    events.deliver("booking", "booking.confirmed", booking_data(booking_id="b5", worker_id="w5"))
    with dbs["notify"].transaction() as s:
        s.execute(update(Delivery).values(status="failed", attempts=5, last_error="HTTP 503", next_attempt_at=None))
    page = staff.get("/staff/deliveries").get_data(as_text=True)
    assert "发送失败" in page and "HTTP 503" in page and "w5" in page and "重新发送" in page
    delivery_id = re.search(r'/staff/deliveries/(dlv_[0-9a-f]+)/retry', page).group(1)
    resp = _post(staff, "/staff/deliveries", f"/staff/deliveries/{delivery_id}/retry", {"status": "failed"})
    assert resp.status_code == 302
    page = staff.get("/staff/deliveries").get_data(as_text=True)
    assert "已重新发送" in page and "没有这样的发送记录。" in page
    assert "待发送" in staff.get("/staff/deliveries?status=pending").get_data(as_text=True)
    resp = _post(staff, "/staff/deliveries", f"/staff/deliveries/{delivery_id}/retry", {"status": "failed"})
    assert "现在不能这样操作" in staff.get(resp.headers["Location"]).get_data(as_text=True)


def test_workers_do_not_see_the_staff_pages(worker):
    assert worker.get("/staff/inbox").status_code == 403
    assert worker.get("/staff/deliveries").status_code == 403
