"""Staff pages: demand per offer with charts and tables, unmet needs, their exports, the home page."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.factories import make_need, make_offer, make_profile, union_tree

from .conftest import sign_in_as


@pytest.fixture
def demand_world(client, admin, token, pump):
    tree = union_tree(client, admin)
    staff = token("staff", "s-sip", tree["sip"]["id"])
    offer = make_offer(client, staff, tree["sip"]["id"], title="网约车司机免费体检")
    for i, (district, category) in enumerate([("sip", "ride_hailing_driver"), ("sip", "courier"),
                                              ("wuzhong", "ride_hailing_driver")]):
        make_profile(client, admin, f"w-d{i}", district=district, worker_category=category)
        make_need(client, admin, f"w-d{i}", "想做个免费体检", category="health_checkup")
    make_profile(client, admin, "w-h", district="sip")
    make_need(client, admin, "w-h", "房租太贵了，想申请公寓", category="housing")
    pump()
    return {"tree": tree, "staff": staff, "offer": offer}


def as_staff(browser_client, world):
    sign_in_as(browser_client, world["staff"], "staff", "s-sip", union_id=world["tree"]["sip"]["id"])


def test_demand_lists_offers_with_matched_confirmed_waitlisted_unmet_and_a_chart(browser_client, demand_world):
    as_staff(browser_client, demand_world)
    html = browser_client.get("/staff/demand").get_data(as_text=True)
    assert "网约车司机免费体检" in html
    row = re.search(r"网约车司机免费体检</a>.*?</tr>", html, re.S).group(0)
    assert re.findall(r'class="num[^"]*">(?:<strong>)?(\d+)', row) == ["3", "10", "0", "0", "3"]
    assert '<svg class="chart"' in html and 'role="img"' in html and "<title" in html


def test_an_offers_demand_by_district_and_worker_category(browser_client, demand_world):
    as_staff(browser_client, demand_world)
    html = browser_client.get(f"/staff/demand/{demand_world['offer']['id']}").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 2
    assert "<tr><td>苏州工业园区</td><td class=\"num\">2</td></tr>" in html
    assert "<tr><td>吴中区</td><td class=\"num\">1</td></tr>" in html
    assert "<tr><td>网约车司机</td><td class=\"num\">2</td></tr>" in html
    assert "<tr><td>快递员</td><td class=\"num\">1</td></tr>" in html
    assert html.index("苏州工业园区</td>") < html.index("吴中区</td>")  # largest first


def test_another_unions_offer_demand_is_refused_as_a_page(browser_client, client, admin, token, demand_world):
    gusu = token("staff", "s-gusu", demand_world["tree"]["gusu"]["id"])
    sign_in_as(browser_client, gusu, "staff", "s-gusu", union_id=demand_world["tree"]["gusu"]["id"])
    resp = browser_client.get(f"/staff/demand/{demand_world['offer']['id']}")
    assert resp.status_code in (403, 404) and "Traceback" not in resp.get_data(as_text=True)
    assert "网约车司机免费体检" not in browser_client.get("/staff/demand").get_data(as_text=True)


def test_unmet_needs_by_category_and_district_with_sample_texts(browser_client, demand_world):
    as_staff(browser_client, demand_world)
    html = browser_client.get("/staff/unmet").get_data(as_text=True)
    assert "住房" in html and "“房租太贵了，想申请公寓”" in html
    assert html.count('<svg class="chart"') == 2
    filtered = browser_client.get("/staff/unmet?category=childcare").get_data(as_text=True)
    assert "房租太贵了" not in filtered and "目前没有未满足的需求" in filtered
    assert browser_client.get("/staff/unmet?category=bogus").status_code == 200  # an unknown filter is ignored


def test_demand_and_unmet_export_to_excel_with_chinese_headers(browser_client, demand_world):
    as_staff(browser_client, demand_world)
    resp = browser_client.get("/staff/demand/export?format=xlsx")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("活动", "活动类型", "工会", "匹配职工", "总名额", "已报名", "候补", "未满足")
    assert rows[1] == ("网约车司机免费体检", "免费体检", "园区总工会", 3, 10, 0, 0, 3)
    assert "filename*=UTF-8''%E9%9C%80%E6%B1%82%E5%88%86%E6%9E%90-" in resp.headers["Content-Disposition"]
    resp = browser_client.get("/staff/unmet/export?format=csv")
    text = resp.data.decode("utf-8-sig")
    assert text.startswith("需求类别,区,需求条数,职工人数,主要原因,职工原话（示例）")
    assert "住房,苏州工业园区,1,1," in text and "房租太贵了，想申请公寓" in text


def test_the_staff_home_shows_the_largest_gaps(browser_client, demand_world):
    as_staff(browser_client, demand_world)
    html = browser_client.get("/staff/").get_data(as_text=True)
    assert "缺口最大的活动" in html and "网约车司机免费体检" in html and "住房" in html
    assert 'aria-current="page">工作台' in html and "工作人员账号" not in html  # not an admin


def test_the_unmet_detail_shows_the_largest_groups_first_and_all_on_demand(browser_client, client, admin, pump,
                                                                          demand_world, monkeypatch):
    from services.web import views_staff_demand

    make_need(client, admin, "w-h", "孩子放学没人接", category="childcare")
    make_need(client, admin, "w-d0", "房租太贵", category="housing")
    pump()
    monkeypatch.setattr(views_staff_demand, "DETAIL_ROWS", 1)
    as_staff(browser_client, demand_world)
    html = browser_client.get("/staff/unmet").get_data(as_text=True)
    assert "显示需求最多的 1 组，共 2 组" in html and "孩子放学没人接" not in html and "房租太贵" in html
    html = browser_client.get("/staff/unmet?all=1").get_data(as_text=True)
    assert "孩子放学没人接" in html and "显示全部" not in html
