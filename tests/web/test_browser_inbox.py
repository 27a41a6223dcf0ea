"""The inbox in Chromium: an offer answering the worker's need lands in its inbox, the navigation
counts it, opening it goes to the offer; signing up adds another; settings turn SMS off."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from shared.auth import issue_token
from tests.helpers import SECRET
from tests.factories import iso, make_need, make_offer, make_profile, make_union

from .conftest import sign_in_with_code, user_of

UNREAD_1 = re.compile(r"^消息\s*（1 条未读）$")  # the tab's name: the count is read out, the badge is not


def test_a_worker_is_told_opens_signs_up_and_reads_its_inbox(new_page, client, admin, pump, demo_workers, web_app):
    union_id = make_union(client, admin, "园区总工会", "sip")["id"]
    phone, = demo_workers("13800000007")
    page = new_page(390, 844)
    sign_in_with_code(page, phone)
    worker_id = user_of(web_app, page)["id"]
    make_profile(client, admin, worker_id)
    make_need(client, admin, worker_id, "想做个免费体检", category="health_checkup")
    pump()
    offer = make_offer(client, admin, union_id, title="网约车司机免费体检",
                       sessions=[{"starts_at": iso(days=3), "ends_at": iso(days=3, hours=4), "capacity": 5}])
    pump()  # catalog -> matching (offer.matches_need) -> notify

    page.goto("/")
    tab = page.get_by_role("link", name=UNREAD_1)
    assert tab.locator(".badge").inner_text() == "1"
    tab.click()
    page.wait_for_url("**/inbox")
    note = page.locator("article.note.unread")
    expect(note).to_have_count(1)
    assert "你的需求有回应了" in note.inner_text() and "网约车司机免费体检" in note.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    note.get_by_role("button", name="查看详情").click()
    page.wait_for_url(f"**/offers/{offer['id']}")
    expect(page.locator(".tabs .badge")).to_have_count(0)  # read now
    page.get_by_role("button", name="报名", exact=True).click()
    assert "报名成功" in page.locator(".flash").inner_text()
    pump()  # booking.confirmed -> notify

    page.goto("/bookings")
    page.get_by_role("link", name=UNREAD_1).click()
    page.wait_for_url("**/inbox")
    unread = page.locator("article.note.unread")
    expect(unread).to_have_count(1)
    assert "报名成功" in unread.inner_text()
    expect(page.locator("article.note")).to_have_count(2)
    unread.get_by_role("button", name="标为已读").click()
    expect(page.locator("article.note.unread")).to_have_count(0)
    expect(page.locator(".tabs .badge")).to_have_count(0)
    page.get_by_role("link", name="未读", exact=True).click()
    expect(page.locator("main")).to_contain_text("没有未读消息。")

    page.get_by_role("link", name="通知设置").click()
    page.wait_for_url("**/preferences")
    page.get_by_label("用短信通知我").uncheck()
    page.get_by_label("手机号").fill("138 1234 5678")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_contain_text("通知设置已保存")
    assert not page.get_by_label("用短信通知我").is_checked()
    assert "当前：138****5678" in page.locator("main").inner_text()
    prefs = client.get("/notify/preferences", token=_token(worker_id)).get_json()
    assert prefs == {"sms": False, "wechat": True, "phone": "138****5678", "wechat_linked": False}


def _token(worker_id: str) -> str:
    return issue_token(SECRET, worker_id, "worker")
