"""The worker's pages in Chromium, against the whole dispatcher on a real port (events pumped)."""
from __future__ import annotations

import re

import segno

from tests.factories import make_offer, make_profile, make_union

from .conftest import sign_in_with_code, user_of


def test_a_worker_signs_in_with_a_code_finds_signs_up_sees_the_qr_and_cancels(
        new_page, client, admin, pump, demo_workers, web_app):
    union_id = make_union(client, admin, "园区总工会", "sip")["id"]
    offer = make_offer(client, admin, union_id, title="网约车司机免费体检",
                       sessions=[{"starts_at": _iso(3), "ends_at": _iso(3, 4), "capacity": 2}])
    make_offer(client, admin, union_id, kind="night_class", title="手机摄影夜校", description="学拍照")
    pump()
    phone, = demo_workers("13800000001")
    page = new_page(360, 740)  # the narrowest phone the pages are made for

    sign_in_with_code(page, phone)
    assert page.locator("h1").inner_text() == "为你推荐"
    assert "已登录" in page.locator(".flash").first.inner_text()

    page.get_by_role("link", name="我的资料", exact=True).click()  # a profile first: booking needs one
    page.get_by_label("出生日期").fill("1995-04-02")
    page.get_by_label("所在区").select_option("sip")
    page.get_by_label("职业").select_option("ride_hailing_driver")
    page.get_by_role("button", name="保存").click()
    assert "资料已保存" in page.locator(".flash").inner_text()
    pump()  # the profile reaches booking by an event

    page.get_by_role("link", name="找活动", exact=True).click()
    page.get_by_label("关键词").fill("體檢")  # Traditional finds the Simplified title
    page.get_by_role("button", name="搜索").click()
    assert page.locator("[role=status]").inner_text() == "找到 1 个活动"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="网约车司机免费体检").click()
    assert "剩余 2 个名额（共 2 个）" in page.locator(".places").inner_text()
    page.get_by_role("button", name="报名", exact=True).click()

    assert "报名成功" in page.locator(".flash").inner_text()
    assert page.locator(".tag").first.inner_text() == "已报名"
    booking_id = page.locator("dd code").inner_text()
    expected = segno.make(booking_id, error="m").svg_inline(scale=8, border=2, omitsize=True, svgclass="qr-code")
    shown = page.locator(".qr svg").evaluate("e => e.outerHTML")
    assert _path(shown) == _path(expected)  # the QR encodes the booking id
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    page.get_by_role("link", name="我的报名", exact=True).click()
    assert page.get_by_role("link", name="网约车司机免费体检").count() == 1
    page.get_by_role("link", name="网约车司机免费体检").click()
    page.get_by_role("button", name="取消报名").click()
    assert "已取消报名" in page.locator(".flash").inner_text()
    assert "以往的报名" in page.content() and page.locator(".status-cancelled").inner_text() == "已取消"
    assert client.get(f"/booking/sessions/{offer['sessions'][0]['id']}").get_json()["confirmed"] == 0


def test_five_workers_two_places_confirmed_waitlisted_and_promoted(
        new_page, client, admin, pump, demo_workers, web_app):
    union = make_union(client, admin, "园区总工会", "sip")
    offer = make_offer(client, admin, union["id"], title="网约车司机免费体检",
                       sessions=[{"starts_at": _iso(3), "ends_at": _iso(3, 4), "capacity": 2}])
    pump()
    pages = []
    for phone in demo_workers(*(f"1390000000{i}" for i in range(1, 6))):
        page = new_page()
        sign_in_with_code(page, phone)
        make_profile(client, admin, user_of(web_app, page)["id"])
        pages.append(page)
    pump()
    seen = []
    for page in pages:
        page.goto(f"/offers/{offer['id']}")
        page.locator(".session button").click()
        seen.append(" ".join([page.locator(".card .tag").first.inner_text(), *page.locator(".card strong").all_inner_texts()]))
    assert seen == ["已报名", "已报名", "候补中 候补第 1 位", "候补中 候补第 2 位", "候补中 候补第 3 位"]
    pages[4].goto(f"/offers/{offer['id']}")
    assert pages[4].locator(".places").inner_text().strip() == "已满（共 2 个名额） · 3 人在候补"
    assert pages[2].locator(".qr svg").count() == 0  # waitlisted: no QR yet

    pages[0].goto("/bookings")
    pages[0].locator(".card h3 a").first.click()
    pages[0].get_by_role("button", name="取消报名").click()
    assert "已取消报名" in pages[0].locator(".flash").inner_text()

    pages[2].reload()  # the first on the list moved up
    assert pages[2].locator(".card .tag").first.inner_text() == "已报名"
    assert pages[2].locator(".qr svg").count() == 1
    pages[3].reload()
    assert pages[3].locator(".card strong").inner_text() == "候补第 1 位"
    pages[4].goto("/bookings")
    assert "候补第 2 位" in pages[4].locator("main").inner_text()

    pages[4].goto("/bookings")  # leaving the waiting list
    pages[4].locator(".card h3 a").first.click()
    pages[4].get_by_role("button", name="退出候补").click()
    assert "已退出候补名单" in pages[4].locator(".flash").inner_text()


def test_a_worker_cannot_reach_a_staff_page_or_another_workers_booking(
        new_page, client, admin, pump, demo_workers, web_app):
    union = make_union(client, admin, "园区总工会", "sip")
    offer = make_offer(client, admin, union["id"])
    pump()
    first, second = demo_workers("13700000001", "13700000002")
    owner = new_page()
    sign_in_with_code(owner, first)
    make_profile(client, admin, user_of(web_app, owner)["id"])
    pump()
    owner.goto(f"/offers/{offer['id']}")
    owner.get_by_role("button", name="报名", exact=True).click()
    booking_url = owner.url
    assert re.search(r"/bookings/[^/]+$", booking_url)

    other = new_page()
    sign_in_with_code(other, second)
    resp = other.goto(booking_url)
    assert resp.status == 404 and other.locator("h1").inner_text() == "没有找到"
    resp = other.goto("/account/password")
    assert resp.status == 403 and other.locator("h1").inner_text() == "没有权限"
    assert other.locator("html").get_attribute("lang") == "zh-CN"
    assert "Traceback" not in other.content()


def _iso(days: float, hours: float = 0) -> str:
    from tests.factories import iso

    return iso(days=days, hours=hours)


def _path(svg: str) -> str:
    return re.search(r'\sd="([^"]+)"', svg).group(1)
