"""Staff pages: offers (list, create, edit, sessions, capacity, publish, close), who may see them, errors at fields."""
from __future__ import annotations

import re

import pytest

from tests.factories import iso, make_offer, union_tree

from .conftest import csrf_of, sign_in_as


@pytest.fixture
def world(client, admin, token):
    tree = union_tree(client, admin)
    return {**tree, "sip_staff": token("staff", "s-sip", tree["sip"]["id"]),
            "gusu_staff": token("staff", "s-gusu", tree["gusu"]["id"])}


def as_sip_staff(browser_client, world):
    sign_in_as(browser_client, world["sip_staff"], "staff", "s-sip", union_id=world["sip"]["id"])
    return browser_client


def local(days: float, hours: float = 0) -> str:
    return iso(days, hours)[:16]  # a datetime-local input's value (the test's clock is Asia/Shanghai's +08:00)


def new_offer_form(browser_client, union_id, **overrides) -> dict:
    html = browser_client.get("/staff/offers/new").get_data(as_text=True)
    form = {"csrf_token": csrf_of(html), "title": "新就业形态劳动者免费体检", "description": "免费体检",
            "address": "星湖街1号", "union_id": union_id, "kind": "health_checkup", "district": "sip",
            "waitlist": "1", "starts_at": local(5), "ends_at": local(5, 3), "capacity": "20"}
    form.update(overrides)
    return form


def test_a_worker_gets_the_403_page_on_every_staff_page(browser_client, token):
    sign_in_as(browser_client, token("worker", "w-1"), "worker", "w-1")
    for path in ("/staff/", "/staff/offers", "/staff/offers/new", "/staff/demand", "/staff/unmet", "/staff/imports",
                 "/staff/unions", "/staff/users"):
        resp = browser_client.get(path)
        assert resp.status_code == 403, path
        assert "没有权限" in resp.get_data(as_text=True)


def test_signed_out_goes_to_sign_in_and_back(browser_client):
    resp = browser_client.get("/staff/offers?status=draft")
    assert resp.status_code == 302 and resp.headers["Location"] == "/signin?next=/staff/offers?status%3Ddraft"


def test_staff_creates_a_draft_adds_a_session_publishes_and_closes(browser_client, client, world):
    as_sip_staff(browser_client, world)
    resp = browser_client.post("/staff/offers/new", data=new_offer_form(browser_client, world["ent"]["id"]))
    assert resp.status_code == 302
    offer_url = resp.headers["Location"]
    offer_id = offer_url.rsplit("/", 1)[1]
    page = browser_client.get(offer_url).get_data(as_text=True)
    assert "草稿已保存" in page and "新就业形态劳动者免费体检" in page and "草稿" in page
    offer = client.get(f"/catalog/offers/{offer_id}", token=world["sip_staff"]).get_json()
    assert offer["status"] == "draft" and offer["union_id"] == world["ent"]["id"]
    assert offer["sessions"][0]["capacity"] == 20 and offer["sessions"][0]["starts_at"].endswith("+08:00")

    resp = browser_client.post(f"/staff/offers/{offer_id}/sessions", data={
        "csrf_token": csrf_of(page), "new_starts_at": local(12), "new_ends_at": local(12, 2), "new_capacity": "15"})
    assert resp.status_code == 302
    resp = browser_client.post(f"/staff/offers/{offer_id}/publish", data={"csrf_token": csrf_of(page)})
    assert resp.status_code == 302
    page = browser_client.get(offer_url).get_data(as_text=True)
    assert "已发布，职工现在可以看到并报名了" in page and "名单与签到" in page
    offer = client.get(f"/catalog/offers/{offer_id}").get_json()
    assert offer["status"] == "published" and [s["capacity"] for s in offer["sessions"]] == [20, 15]

    listed = browser_client.get("/staff/offers?status=published").get_data(as_text=True)
    assert "新就业形态劳动者免费体检" in listed
    assert "新就业形态劳动者免费体检" not in browser_client.get("/staff/offers?status=draft").get_data(as_text=True)

    resp = browser_client.post(f"/staff/offers/{offer_id}/close", data={"csrf_token": csrf_of(page)})
    assert resp.status_code == 302
    assert client.get(f"/catalog/offers/{offer_id}", token=world["sip_staff"]).get_json()["status"] == "closed"


def test_the_list_filters_by_union_and_its_subtree(browser_client, client, admin, world):
    make_offer(client, admin, world["ent"]["id"], title="企业工会体检")
    make_offer(client, admin, world["gusu"]["id"], title="姑苏区夜校", district="gusu")
    as_sip_staff(browser_client, world)
    html = browser_client.get("/staff/offers").get_data(as_text=True)
    assert "企业工会体检" in html and "姑苏区夜校" not in html  # the staff member's own subtree by default
    only_ent = browser_client.get(f"/staff/offers?union_id={world['ent']['id']}").get_data(as_text=True)
    assert "企业工会体检" in only_ent
    # a union outside the staff member's reach is not offered and falls back to their own union
    other = browser_client.get(f"/staff/offers?union_id={world['gusu']['id']}").get_data(as_text=True)
    assert "姑苏区夜校" not in other and "姑苏区总工会" not in other


def test_field_errors_are_shown_at_their_fields_in_chinese(browser_client, client, world):
    as_sip_staff(browser_client, world)
    form = new_offer_form(browser_client, world["sip"]["id"], title="", min_age="40", max_age="30", capacity="0")
    resp = browser_client.post("/staff/offers/new", data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "有几项填写得不对" in html
    assert _error_of(html, "title") == "这一项必须填写。"
    assert _error_of(html, "max_age") == "最高年龄不能小于最低年龄。"
    assert _error_of(html, "capacity") == "请填写 1 到 100000 之间的数字。"
    assert 'aria-invalid="true"' in html and "Must be" not in html
    assert 'value="40"' in html  # what was typed stays
    resp = browser_client.post("/staff/offers/new", data={**form, "title": "体检", "min_age": "", "capacity": "5",
                                                          "ends_at": local(4)})
    assert resp.status_code == 422
    assert _error_of(resp.get_data(as_text=True), "ends_at") == "结束时间要晚于开始时间。"
    assert client.get("/catalog/offers?status=draft", token=world["sip_staff"]).get_json()["total"] == 0


def test_a_number_field_with_letters_is_caught_before_the_api(browser_client, world):
    as_sip_staff(browser_client, world)
    resp = browser_client.post("/staff/offers/new", data=new_offer_form(browser_client, world["sip"]["id"],
                                                                       min_age="abc", limit_count="2"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert _error_of(html, "min_age") == "请填写整数。"
    assert _error_of(html, "limit_days") == "次数和天数要一起填写。"


def test_creating_for_a_union_out_of_reach_is_refused_at_the_top(browser_client, world):
    as_sip_staff(browser_client, world)
    form = new_offer_form(browser_client, world["gusu"]["id"])
    resp = browser_client.post("/staff/offers/new", data=form)
    assert resp.status_code == 422
    assert "你只能为自己的工会和下级工会发布活动" in resp.get_data(as_text=True)


def test_publishing_without_a_future_session_says_why(browser_client, client, world):
    as_sip_staff(browser_client, world)
    offer = make_offer(client, world["sip_staff"], world["sip"]["id"], publish=False, sessions=[])
    page = browser_client.get(f"/staff/offers/{offer['id']}").get_data(as_text=True)
    resp = browser_client.post(f"/staff/offers/{offer['id']}/publish", data={"csrf_token": csrf_of(page)})
    assert resp.status_code == 409
    assert "发布前需要至少一个还没开始的场次" in resp.get_data(as_text=True)


def test_capacity_of_a_published_session_may_rise_but_not_fall(browser_client, client, world):
    as_sip_staff(browser_client, world)
    offer = make_offer(client, world["sip_staff"], world["sip"]["id"])
    session_id = offer["sessions"][0]["id"]
    page = browser_client.get(f"/staff/offers/{offer['id']}").get_data(as_text=True)
    url = f"/staff/offers/{offer['id']}/sessions/{session_id}/capacity"
    resp = browser_client.post(url, data={"csrf_token": csrf_of(page), "capacity": "4"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "已发布的场次名额只能增加，不能减少（现为 10）" in html and 'id="cap-1-err"' in html
    resp = browser_client.post(url, data={"csrf_token": csrf_of(page), "capacity": "25"})
    assert resp.status_code == 302
    assert client.get(f"/catalog/offers/{offer['id']}").get_json()["sessions"][0]["capacity"] == 25


def test_a_new_session_in_the_past_is_refused_at_its_field(browser_client, client, world):
    as_sip_staff(browser_client, world)
    offer = make_offer(client, world["sip_staff"], world["sip"]["id"])
    page = browser_client.get(f"/staff/offers/{offer['id']}").get_data(as_text=True)
    resp = browser_client.post(f"/staff/offers/{offer['id']}/sessions", data={
        "csrf_token": csrf_of(page), "new_starts_at": local(-2), "new_ends_at": local(-2, 2), "new_capacity": "5"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert _error_of(html, "new_starts_at") == "新场次的开始时间要在现在之后。"
    assert len(client.get(f"/catalog/offers/{offer['id']}").get_json()["sessions"]) == 1


def test_a_published_offer_edits_only_its_text(browser_client, client, world):
    as_sip_staff(browser_client, world)
    offer = make_offer(client, world["sip_staff"], world["sip"]["id"])
    html = browser_client.get(f"/staff/offers/{offer['id']}/edit").get_data(as_text=True)
    assert 'name="title"' in html and 'name="kind"' not in html and "只能修改标题、介绍和地址" in html
    resp = browser_client.post(f"/staff/offers/{offer['id']}/edit", data={
        "csrf_token": csrf_of(html), "title": "改过的标题", "description": "新的介绍", "address": "新地址"})
    assert resp.status_code == 302
    assert client.get(f"/catalog/offers/{offer['id']}").get_json()["title"] == "改过的标题"


def test_another_unions_draft_is_a_404_page(browser_client, client, admin, world):
    offer = make_offer(client, admin, world["gusu"]["id"], publish=False, district="gusu")
    as_sip_staff(browser_client, world)
    resp = browser_client.get(f"/staff/offers/{offer['id']}")
    assert resp.status_code == 404 and "没有找到" in resp.get_data(as_text=True)
    resp = browser_client.get(f"/staff/offers/{offer['id']}/edit")
    assert resp.status_code == 404


def _error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="f-{field}-err">([^<]*)</p>', html)
    assert match, f"no error at {field}"
    return match.group(1)
