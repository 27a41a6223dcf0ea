"""A ballot in Chromium: two workers apply on their phones, staff draw and see the check, the winner accepts."""
from __future__ import annotations

from tests.booking.ballot_world import close_window
from tests.factories import iso, make_offer, make_profile, make_union

from .conftest import sign_in_with_code, user_of
from .test_staff_browser import _sign_in


def test_apply_draw_and_accept(new_page, client, admin, token, pump, dbs, demo_workers, web_app):
    union = make_union(client, admin, "园区总工会", "sip")
    client.post("/accounts/users", {"username": "draw-staff", "password": "draw-password-1", "role": "staff",
                                    "union_id": union["id"], "display_name": "抽签员"}, token=admin)
    offer = make_offer(client, admin, union["id"], title="疗休养（抽签）", kind="rest_trip",
                       sessions=[{"starts_at": iso(5), "ends_at": iso(6), "capacity": 1}],
                       allocation={"mode": "ballot", "applications_open_at": iso(hours=-1),
                                   "applications_close_at": iso(days=1)})
    pump()
    pages = {}
    for phone in demo_workers("13600000001", "13600000002"):
        page = new_page(360, 740)
        sign_in_with_code(page, phone)
        make_profile(client, admin, user_of(web_app, page)["id"])
        pages[user_of(web_app, page)["id"]] = page
    pump()
    for page in pages.values():
        page.goto(f"/offers/{offer['id']}")
        assert "先申请，后抽签" in page.locator("main").inner_text()
        page.get_by_role("button", name="申请抽签").click()
        assert "已提交抽签申请" in page.locator(".flash").inner_text()
        assert page.locator(".card .tag").first.inner_text() == "已申请抽签"
        assert "你的权重是 2。" in page.locator(".ballot").inner_text()  # not served recently x2
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    close_window(dbs, offer["sessions"][0]["id"])
    staff = new_page(1366, 768)
    _sign_in(staff, "draw-staff", "draw-password-1")
    staff.goto(f"/staff/offers/{offer['id']}/sessions/{offer['sessions'][0]['id']}/draw")
    staff.get_by_role("button", name="现在抽签").click()
    assert "已抽签" in staff.locator(".flash").inner_text()
    assert "核验通过" in staff.locator(".verdict").inner_text()
    assert staff.locator("table.draw-order tbody tr").count() == 2

    statuses = {w: client.get("/booking/bookings", token=token("worker", w)).get_json()["items"][0] for w in pages}
    winner = next(w for w, b in statuses.items() if b["status"] == "offered")
    loser = next(w for w in pages if w != winner)
    page = pages[winner]
    page.goto("/bookings")
    page.locator(".card h3 a").first.click()
    assert "你抽中了" in page.locator("main").inner_text()
    page.get_by_role("button", name="确认参加").click()
    assert "已确认，名额为你保留" in page.locator(".flash").inner_text()
    assert page.locator(".card .tag").first.inner_text() == "已报名" and page.locator(".qr svg").count() == 1
    other = pages[loser]
    other.goto("/bookings")
    other.locator(".card h3 a").first.click()
    assert "候补第 1 位" in other.locator("main").inner_text() and "抽签顺序：第 2 位" in other.locator("main").inner_text()

