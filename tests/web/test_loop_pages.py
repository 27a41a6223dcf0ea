"""The loop's pages with the Flask test client: a worker's need with its history, feedback and withdrawal;
staff's problem list, a need's steps, assigning many, the reports page and its downloads."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import make_need, make_profile, union_tree
from tests.matching.loop_world import due

from .conftest import csrf_of, sign_in_as


@pytest.fixture
def world(client, admin, token, pump):
    tree = union_tree(client, admin)
    pump()
    make_profile(client, admin, "w-p1", district="sip", worker_category="courier")
    need = make_need(client, admin, "w-p1", "工资被拖欠三个月了", category="wages_benefits")
    make_need(client, admin, "w-p1", "老板拖欠工资", category="wages_benefits")
    return {"tree": tree, "need": need, "sip": tree["sip"]["id"],
            "staff": token("staff", "s-sip", tree["sip"]["id"]), "worker": token("worker", "w-p1")}


def as_staff(browser_client, world):
    sign_in_as(browser_client, world["staff"], "staff", "s-sip", union_id=world["sip"])


def as_worker(browser_client, world):
    sign_in_as(browser_client, world["worker"], "worker", "w-p1")


def post(browser_client, page_url, url, data):
    token = csrf_of(browser_client.get(page_url).get_data(as_text=True))
    return browser_client.post(url, data={"csrf_token": token, **data})


def test_staff_take_a_problem_then_answer_and_close_a_need(browser_client, client, world):
    as_staff(browser_client, world)
    html = browser_client.get("/staff/problems").get_data(as_text=True)
    assert "问题清单" in html and "工资福利" in html and "快递员" in html and "<strong>2</strong>" in html
    item = "/staff/problems/wages_benefits.sip.courier"
    resp = post(browser_client, item, item + "/assign", {"union_id": world["sip"], "due_date": due(),
                                                         "assignee": "s-sip", "assign_needs": "on"})
    assert resp.status_code == 302
    html = browser_client.get(item).get_data(as_text=True)
    assert "已认领，并分派了 2 条需求。" in html and "园区总工会" in html

    page = f"/staff/needs/{world['need']['id']}"
    resp = post(browser_client, page, page + "/respond", {"text": "已约企业负责人面谈", "offer_ids": ""})
    assert resp.status_code == 302
    resp = post(browser_client, page, page + "/resolve", {"outcome": "referred", "referred_to": ""})
    assert resp.status_code == 422 and "写明转给了哪个部门" in resp.get_data(as_text=True)
    resp = post(browser_client, page, page + "/resolve", {"outcome": "got_help", "note": "工资已补发"})
    assert resp.status_code == 302
    html = browser_client.get(page).get_data(as_text=True)
    assert "已办结，职工会被请来评价。" in html
    assert [s in html for s in ("提交需求", "分派给工会", "工会答复", "办结", "已获得帮助")] == [True] * 5
    resp = post(browser_client, page, page + "/resolve", {"outcome": "got_help"})  # again: 409 as a message
    assert resp.status_code == 302 and "现在不能这样操作" in browser_client.get(page).get_data(as_text=True)


def test_a_worker_sees_the_progress_answers_and_withdraws(browser_client, client, admin, world):
    nid = world["need"]["id"]
    client.post(f"/matching/needs/{nid}/assign", {"union_id": world["sip"], "due_date": due()}, token=admin)
    client.post(f"/matching/needs/{nid}/resolve", {"outcome": "got_help", "note": "工资已补发"}, token=admin)
    as_worker(browser_client, world)
    assert "请评价处理结果" in browser_client.get("/needs").get_data(as_text=True)
    page = f"/needs/{nid}"
    html = browser_client.get(page).get_data(as_text=True)
    assert "你对处理结果满意吗？" in html and "工资已补发" in html
    resp = post(browser_client, page, page + "/feedback", {"comment": "还行"})
    assert resp.status_code == 422 and "请选择满意或不满意。" in resp.get_data(as_text=True)
    resp = post(browser_client, page, page + "/feedback", {"satisfied": "no", "comment": "钱只补了一半"})
    assert resp.status_code == 302
    html = browser_client.get(page).get_data(as_text=True)
    assert "已告诉工会你还不满意" in html and "待处理" in html and "撤回这条需求" in html
    resp = post(browser_client, page, page + "/withdraw", {})
    assert resp.status_code == 302 and "已撤回这条需求。" in browser_client.get("/needs").get_data(as_text=True)
    assert browser_client.get("/needs/need_someone_elses").status_code == 404


def test_staff_assign_ticked_needs_and_every_need_a_filter_finds(browser_client, client, admin, world):
    as_staff(browser_client, world)
    listing = "/staff/needs?status=open&category=wages_benefits"
    html = browser_client.get(listing).get_data(as_text=True)
    assert html.count('name="ids"') == 2
    resp = post(browser_client, listing, "/staff/needs/assign",
                {"ids": world["need"]["id"], "union_id": world["sip"], "due_date": due(), "scope": "ids",
                 "f_status": "open", "f_category": "wages_benefits"})
    assert resp.status_code == 302 and "已分派 1 条需求。" in browser_client.get(resp.location).get_data(as_text=True)
    resp = post(browser_client, listing, "/staff/needs/assign",
                {"union_id": world["sip"], "due_date": due(), "scope": "filters", "f_status": "open",
                 "f_category": "wages_benefits"})
    assert "已分派 1 条需求。" in browser_client.get(resp.location).get_data(as_text=True)
    resp = post(browser_client, listing, "/staff/needs/assign", {"union_id": world["sip"], "due_date": due(-3),
                                                                 "scope": "filters"})
    assert "截止日期不能早于今天。" in browser_client.get(resp.location).get_data(as_text=True)


def test_the_reports_page_charts_and_downloads(browser_client, client, admin, world):
    nid = world["need"]["id"]
    client.post(f"/matching/needs/{nid}/assign", {"union_id": world["sip"], "due_date": due()}, token=admin)
    client.post(f"/matching/needs/{nid}/resolve", {"outcome": "got_help"}, token=admin)
    client.post(f"/matching/needs/{nid}/feedback", {"satisfied": True}, token=world["worker"])
    as_staff(browser_client, world)
    html = browser_client.get("/staff/reports").get_data(as_text=True)
    assert html.count('<svg class="chart"') == 3 and "闭环报表" in html
    assert "<tr><td>已获得帮助</td><td class=\"num\">1</td></tr>" in html
    assert "<tr><td>满意</td><td class=\"num\">1</td></tr>" in html
    resp = browser_client.get("/staff/reports/download/rows?format=xlsx")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(resp.get_data())).active.iter_rows(values_only=True))
    assert rows[0][0] == "need_id" and len(rows) == 3
    resp = browser_client.get("/staff/reports/download/satisfaction?format=csv")
    answers = list(csv.DictReader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert [a["need_id"] for a in answers] == [nid]
    resp = browser_client.get("/staff/reports/download/problems?format=csv")
    assert resp.status_code == 200 and resp.get_data().decode("utf-8-sig").startswith("id,category")
    assert browser_client.get("/staff/reports/download/passwords?format=csv").status_code == 404
    assert browser_client.get("/staff/reports/download/rows?format=pdf").status_code == 400


def test_workers_are_kept_out_of_the_staff_loop_pages(browser_client, world):
    as_worker(browser_client, world)
    for path in ("/staff/problems", "/staff/needs", f"/staff/needs/{world['need']['id']}", "/staff/reports"):
        assert browser_client.get(path).status_code == 403
