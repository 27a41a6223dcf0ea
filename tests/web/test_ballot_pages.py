"""The ballot in the pages: the staff form's settings, the worker's application and result, the draw and
its verification, accepting, no-shows on the roster."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from services.booking.models import BookableSession, Booking
from services.catalog.models import OfferSession
from shared.timeutil import utcnow
from tests.booking.ballot_world import build_ballot, close_window
from tests.factories import iso, make_need, union_tree

from .conftest import csrf_of, sign_in_as
from .test_staff_offers import local, new_offer_form


@pytest.fixture
def world(client, admin, token):
    tree = union_tree(client, admin)
    return {**tree, "sip_staff": token("staff", "s-sip", tree["sip"]["id"])}


def test_staff_set_a_ballot_on_the_offer_form(browser_client, client, world):
    sign_in_as(browser_client, world["sip_staff"], "staff", "s-sip", union_id=world["sip"]["id"])
    form = new_offer_form(browser_client, world["sip"]["id"], allocation_mode="ballot",
                          applications_open_at=local(1), applications_close_at=local(2), accept_within_hours="24",
                          period_days="1095", priority_worker_categories=["new_employment"],
                          quota_0_category="new_employment", quota_0_share="30",
                          quota_1_district="gusu", quota_1_share="20")
    resp = browser_client.post("/staff/offers/new", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    offer_id = resp.headers["Location"].rsplit("/", 1)[1]
    alloc = client.get(f"/catalog/offers/{offer_id}", token=world["sip_staff"]).get_json()["allocation"]
    assert alloc["mode"] == "ballot" and alloc["accept_within_hours"] == 24 and alloc["period_days"] == 1095
    assert alloc["priority_worker_categories"] == ["new_employment"]
    assert alloc["quotas"] == [{"worker_categories": ["new_employment"], "districts": [], "share": 0.3},
                               {"worker_categories": [], "districts": ["gusu"], "share": 0.2}]
    page = browser_client.get(f"/staff/offers/{offer_id}").get_data(as_text=True)
    assert "先申请，截止后抽签" in page and "至少 30%" in page
    edit = browser_client.get(f"/staff/offers/{offer_id}/edit").get_data(as_text=True)
    assert 'value="ballot" checked' in edit and 'name="quota_0_share" type="number" value="30"' in edit
    published = browser_client.post(f"/staff/offers/{offer_id}/publish", data={"csrf_token": csrf_of(page)})
    assert published.status_code == 302
    page = browser_client.get(f"/staff/offers/{offer_id}").get_data(as_text=True)
    seed_hash = client.get(f"/catalog/offers/{offer_id}").get_json()["allocation"]["seed_sha256"]
    assert seed_hash in page and ">抽签</a>" in page


@pytest.mark.parametrize("overrides, field, text", [
    ({"applications_open_at": local(2), "applications_close_at": local(1)}, "applications_close_at",
     "申请截止时间要晚于开始时间"),
    ({"applications_close_at": local(6)}, "applications_close_at", "申请截止时间要早于第一场开始的时间"),
    ({"quota_0_category": "courier", "quota_0_share": "70", "quota_1_district": "sip", "quota_1_share": "40"},
     "quotas", "各配额的比例加起来不能超过 100%"),
    ({"quota_0_share": "30"}, "quota_0_category", "请选职业或地区"),
    ({"quota_0_category": "courier", "quota_0_share": "130"}, "quota_0_share", "1 到 100 之间的百分比"),
    ({"applications_close_at": ""}, "applications_close_at", "请选择日期和时间"),
])
def test_a_ballot_that_does_not_hold_together_is_shown_at_its_field(browser_client, world, overrides, field, text):
    sign_in_as(browser_client, world["sip_staff"], "staff", "s-sip", union_id=world["sip"]["id"])
    form = new_offer_form(browser_client, world["sip"]["id"], allocation_mode="ballot",
                          applications_open_at=local(1), applications_close_at=local(2))
    form.update(overrides)
    resp = browser_client.post("/staff/offers/new", data=form)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert text in html, html[html.find("has-error") - 200:html.find("has-error") + 600]


def test_apply_see_why_draw_verify_accept_and_no_show(browser_client, client, admin, token, pump, dbs, web_app):
    world = build_ballot(client, admin, token, pump, workers=("w1", "w2", "w3"), capacity=1,
                         alloc={"priority_worker_categories": ["new_employment"]})
    make_need(client, admin, "w1", "想要免费体检")
    pump()
    offer_id, sid = world["offer"]["id"], world["session"]
    sign_in_as(browser_client, world["tokens"]["w1"], "worker", "w1")
    page = browser_client.get(f"/offers/{offer_id}").get_data(as_text=True)
    assert "报名方式：先申请，后抽签" in page and "申请抽签" in page and "0 人已申请" in page
    resp = browser_client.post(f"/offers/{offer_id}/sessions/{sid}/book", data={"csrf_token": csrf_of(page), "key": "k1"})
    booking_url = resp.headers["Location"]
    page = browser_client.get(booking_url).get_data(as_text=True)
    assert "已提交抽签申请" in page and "已申请抽签" in page and "你的权重是 6。" in page  # 2 x 2 x 1.5
    assert "✓ 有这类需求还没解决：×2" in page and "撤回申请" in page
    for w in ("w2", "w3"):
        client.post("/booking/bookings", {"session_id": sid}, token=world["tokens"][w])

    staff = web_app.test_client()
    sign_in_as(staff, world["staff"], "staff", "s-sip", union_id=world["tree"]["sip"]["id"])
    draw_url = f"/staff/offers/{offer_id}/sessions/{sid}/draw"
    page = staff.get(draw_url).get_data(as_text=True)
    assert "还没有抽签" in page and "3 人" in page and "现在抽签" not in page
    close_window(dbs, sid)
    page = staff.get(draw_url).get_data(as_text=True)
    resp = staff.post(draw_url, data={"csrf_token": csrf_of(page)})
    assert resp.status_code == 302
    page = staff.get(draw_url).get_data(as_text=True)
    assert "已抽签" in page and "✓ 核验通过" in page and "（一致）" in page and "draw verify" in page
    assert page.count('class="tag status-offered"') == 1 and page.count('class="tag status-waitlisted"') == 2

    bookings = client.get(f"/booking/bookings?session_id={sid}", token=world["staff"]).get_json()["items"]
    winner = next(b for b in bookings if b["status"] == "offered")
    who = winner["worker_id"]
    worker = web_app.test_client()
    sign_in_as(worker, world["tokens"][who], "worker", who)
    page = worker.get(f"/bookings/{winner['id']}").get_data(as_text=True)
    assert "你抽中了" in page and "抽签顺序：第 1 位" in page and winner["ballot"]["applicant"] in page
    resp = worker.post(f"/bookings/{winner['id']}/accept", data={"csrf_token": csrf_of(page)})
    page = worker.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已确认，名额为你保留" in page and 'class="qr-code"' in page

    roster_url = f"/staff/offers/{offer_id}/sessions/{sid}"
    page = staff.get(roster_url).get_data(as_text=True)
    assert "抽签与核验" in page and "未到场</button>" not in page  # not ended yet
    # The session ends (booking's copy, which the API checks, and catalog's, which the page shows).
    with dbs["booking"].transaction() as s:
        s.execute(update(BookableSession).values(starts_at=utcnow() - timedelta(hours=3),
                                         ends_at=utcnow() - timedelta(hours=1)))
    with dbs["catalog"].transaction() as s:
        s.execute(update(OfferSession).values(starts_at=utcnow() - timedelta(hours=3),
                                              ends_at=utcnow() - timedelta(hours=1)))
    page = staff.get(roster_url).get_data(as_text=True)
    assert "未到场</button>" in page
    resp = staff.post(f"{roster_url}/no-show", data={"csrf_token": csrf_of(page), "booking_id": winner["id"]})
    page = staff.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已登记未到场" in page and "status-no_show" in page
    mine = worker.get("/bookings").get_data(as_text=True)
    assert "未到场" in mine


def test_staff_see_a_wrong_draw_fail_its_check(browser_client, client, admin, token, pump, dbs, web_app):
    world = build_ballot(client, admin, token, pump, workers=("w1", "w2"), capacity=1)
    for w in ("w1", "w2"):
        client.post("/booking/bookings", {"session_id": world["session"]}, token=world["tokens"][w])
    close_window(dbs, world["session"])
    pump()
    with dbs["booking"].transaction() as s:  # someone edits a weight after the draw
        s.execute(update(Booking).where(Booking.ballot_weight.is_not(None)).values(ballot_weight=Booking.ballot_weight * 8))
    sign_in_as(browser_client, world["staff"], "staff", "s-sip", union_id=world["tree"]["sip"]["id"])
    page = browser_client.get(f"/staff/offers/{world['offer']['id']}/sessions/{world['session']}/draw")
    assert "✗ 核验不通过" in page.get_data(as_text=True)


def test_before_the_window_the_worker_is_told_when_it_opens(browser_client, client, admin, token, pump):
    world = build_ballot(client, admin, token, pump, workers=("w1",),
                         alloc={"applications_open_at": iso(hours=1), "applications_close_at": iso(hours=2)})
    sign_in_as(browser_client, world["tokens"]["w1"], "worker", "w1")
    page = browser_client.get(f"/offers/{world['offer']['id']}").get_data(as_text=True)
    assert "抽签申请" in page and "开始。" in page and "申请抽签</button>" not in page
