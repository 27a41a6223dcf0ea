"""The worker's pages through the Flask test client: what they show and how they answer mistakes."""
from __future__ import annotations

import re

import pytest

from tests.factories import iso, make_need, make_offer, make_profile, make_union

from .conftest import csrf_of, sign_in_as

WORKER = "w-page-1"


@pytest.fixture
def worker(browser_client, token):
    sign_in_as(browser_client, token("worker", WORKER), "worker", WORKER)
    return browser_client


@pytest.fixture
def offer(client, admin, pump):
    union = make_union(client, admin, "园区总工会", "sip")
    made = make_offer(client, admin, union["id"], title="网约车司机免费体检", waitlist=False,
                      sessions=[{"starts_at": iso(days=3), "ends_at": iso(days=3, hours=4), "capacity": 1}])
    pump()
    return made


def _form(c, page_path, path, data):
    return c.post(path, data={**data, "csrf_token": csrf_of(c.get(page_path).get_data(as_text=True))})


def test_home_asks_for_a_profile_then_shows_recommendations_with_reasons(worker, client, admin, offer, pump):
    assert "填写我的资料" in worker.get("/").get_data(as_text=True)
    make_profile(client, admin, WORKER)
    make_need(client, admin, WORKER, "想做个免费体检")
    pump()
    page = worker.get("/").get_data(as_text=True)
    assert "网约车司机免费体检" in page and "推荐理由" in page
    assert re.search(r'<ul class="reasons"><li>[^<]+</li>', page)


def test_search_by_kind_district_and_traditional_text(worker, offer, client, admin):
    make_offer(client, admin, offer["union_id"], kind="night_class", title="手机摄影夜校", district="gusu")
    assert "找到 1 个活动" in worker.get("/offers?q=體檢").get_data(as_text=True)
    page = worker.get("/offers?kind=night_class").get_data(as_text=True)
    assert "手机摄影夜校" in page and "网约车司机免费体检" not in page
    page = worker.get("/offers?district=sip&kind=bogus").get_data(as_text=True)  # unknown values are ignored
    assert "网约车司机免费体检" in page and "手机摄影夜校" not in page


def test_a_full_session_without_a_waiting_list_says_so(worker, offer, client, admin, token, pump):
    make_profile(client, admin, WORKER)
    other = token("worker", "w-page-2")
    make_profile(client, other, "w-page-2")
    pump()
    assert client.post("/booking/bookings", {"session_id": offer["sessions"][0]["id"]}, token=other).status_code == 201
    page = worker.get(f"/offers/{offer['id']}").get_data(as_text=True)
    assert "已满（共 1 个名额）" in page and "这一场已满，不设候补。" in page
    resp = _form(worker, f"/offers/{offer['id']}", f"/offers/{offer['id']}/sessions/{offer['sessions'][0]['id']}/book", {})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/offers/{offer['id']}"
    assert "这一场已经满了，也不设候补名单。" in worker.get(resp.headers["Location"]).get_data(as_text=True)


def test_signing_up_without_a_profile_leads_to_the_profile_form(worker, offer):
    resp = _form(worker, f"/offers/{offer['id']}", f"/offers/{offer['id']}/sessions/{offer['sessions'][0]['id']}/book", {})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/profile?next=")
    assert "报名前请先填写你的个人资料。" in worker.get(resp.headers["Location"]).get_data(as_text=True)


def test_the_same_sign_up_form_sent_twice_books_once(worker, offer, client, admin, pump):
    make_profile(client, admin, WORKER)
    pump()
    page = worker.get(f"/offers/{offer['id']}").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    path = f"/offers/{offer['id']}/sessions/{offer['sessions'][0]['id']}/book"
    first = worker.post(path, data={"key": key, "csrf_token": csrf_of(page)})
    again = worker.post(path, data={"key": key, "csrf_token": csrf_of(page)})
    assert first.headers["Location"] == again.headers["Location"]  # the same booking, replayed
    assert client.get(f"/booking/sessions/{offer['sessions'][0]['id']}").get_json()["confirmed"] == 1


def test_profile_errors_sit_at_their_fields_and_keep_what_was_typed(worker):
    resp = _form(worker, "/profile", "/profile", {"birth_date": "2999-01-01", "district": "sip",
                                                  "worker_category": "courier", "children_birth_years": "2018"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and re.search(r'id="f-birth_date-err">请填写真实的出生日期', html)
    assert 'value="2999-01-01"' in html
    resp = _form(worker, "/profile", "/profile", {"birth_date": "1995-04-02", "district": "sip",
                                                  "worker_category": "courier", "children_birth_years": "18年"})
    assert resp.status_code == 422 and 'id="f-children_birth_years-err"' in resp.get_data(as_text=True)
    resp = _form(worker, "/profile", "/profile", {"birth_date": "1995-04-02", "district": "sip", "union_member": "on",
                                                  "worker_category": "courier", "children_birth_years": "2018，2021"})
    assert resp.status_code == 302
    page = worker.get("/profile").get_data(as_text=True)
    assert "快递员" in page and "2018、2021" in page and "苏州工业园区" in page


def test_a_need_in_free_text_shows_the_category_it_was_understood_as(worker):
    resp = _form(worker, "/needs/new", "/needs/new", {"text": "孩子放暑假沒人帶，想找個託管班"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/needs?new=")
    page = worker.get(resp.headers["Location"]).get_data(as_text=True)
    assert "我们理解为：子女托管" in page
    assert "孩子放暑假沒人帶" in page and "待处理" in page
    resp = _form(worker, "/needs/new", "/needs/new", {"text": "   "})
    assert resp.status_code == 422 and 'id="f-text-err">请写下你的需求' in resp.get_data(as_text=True)


def test_staff_see_an_offer_without_sign_up_buttons_and_go_to_their_home(browser_client, token, offer):
    sign_in_as(browser_client, token("staff", "s-1", "u-sip"), "staff", "s-1", union_id="u-sip")
    page = browser_client.get(f"/offers/{offer['id']}").get_data(as_text=True)
    assert "剩余 1 个名额" in page and "/book" not in page
    assert browser_client.get("/").status_code == 302
    assert browser_client.get("/bookings").status_code == 403


def test_a_session_that_has_started_offers_no_sign_up(worker, client, admin, pump):
    union = make_union(client, admin, "园区总工会", "sip")
    offer = make_offer(client, admin, union["id"], sessions=[
        {"starts_at": iso(hours=-1), "ends_at": iso(hours=2), "capacity": 5},
        {"starts_at": iso(days=3), "ends_at": iso(days=3, hours=2), "capacity": 5}])
    pump()
    page = worker.get(f"/offers/{offer['id']}").get_data(as_text=True)
    assert page.count("这一场已经开始，不能再报名。") == 1 and page.count('/book"') == 1
