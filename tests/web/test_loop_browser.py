"""The loop in Chromium: a worker states a need, staff take it on, answer and resolve it, the worker says it is
satisfied, and the report shows it (Debian's Chromium, Playwright, the whole dispatcher on a real port)."""
from __future__ import annotations

from tests.factories import make_profile, union_tree
from tests.matching.loop_world import due

from .conftest import sign_in_with_code, user_of


def test_a_need_goes_round_the_loop_in_the_browser(new_page, client, admin, pump, demo_workers, web_app):
    tree = union_tree(client, admin)
    resp = client.post("/accounts/users", {"username": "wangfang", "password": "园区工会-password", "role": "staff",
                                           "union_id": tree["sip"]["id"], "display_name": "王芳"}, token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    pump()
    phone, = demo_workers("13800000077")

    worker = new_page(390, 844)
    sign_in_with_code(worker, phone)
    make_profile(client, admin, user_of(web_app, worker)["id"], district="sip", worker_category="courier")
    worker.get_by_role("link", name="我的需求", exact=True).click()
    worker.get_by_role("link", name="告诉工会你的需求").click()
    worker.get_by_label("你需要什么帮助？").fill("快递站拖欠了我三个月工资")
    worker.get_by_role("button", name="提交").click()
    assert "已收到你的需求" in worker.locator(".flash").inner_text()
    assert worker.locator(".status-open").first.inner_text() == "待处理"

    staff = new_page(1366, 768)
    staff.goto("/signin")
    staff.get_by_label("用户名", exact=True).fill("wangfang")
    staff.get_by_label("密码", exact=True).fill("园区工会-password")
    staff.locator("form[action$='/signin/password'] button[type=submit]").click()
    staff.get_by_role("link", name="问题清单", exact=True).click()
    assert staff.locator("table.problems tbody tr").count() == 1
    staff.locator("table.problems tbody a").first.click()  # the group: its category, sip, couriers
    assert "快递员" in staff.locator("h1").inner_text()
    staff.get_by_label("负责的工会").select_option(tree["sip"]["id"])
    staff.get_by_label("截止日期").fill(due(10))
    staff.get_by_role("button", name="认领").click()
    assert "已认领，并分派了 1 条需求。" in staff.locator(".flash").inner_text()

    staff.get_by_role("link", name="查看这组的需求").click()
    staff.get_by_role("link", name="快递站拖欠了我三个月工资").click()
    staff.get_by_label("做了什么（职工能看到）").fill("已联系快递站负责人，约定本周补发")
    staff.get_by_role("button", name="答复", exact=True).click()
    assert "已答复" in staff.locator(".flash").inner_text()
    staff.get_by_label("办理结果").select_option("got_help")
    staff.get_by_role("button", name="办结", exact=True).click()
    assert "已办结" in staff.locator(".flash").inner_text()
    assert staff.locator("h1 .tag").inner_text() == "已办结"

    worker.get_by_role("link", name="我的需求", exact=True).click()
    worker.get_by_role("link", name="请评价处理结果").click()
    assert "已联系快递站负责人" in worker.locator("section.card").first.inner_text()
    worker.get_by_label("满意", exact=True).check()
    worker.get_by_role("button", name="提交评价").click()
    assert "谢谢你的评价" in worker.locator(".flash").inner_text()
    steps = worker.locator(".timeline li strong").all_inner_texts()
    assert steps == ["提交需求", "分派给工会", "工会答复", "办结", "职工评价"]
    assert worker.evaluate("document.documentElement.scrollWidth") <= 390

    staff.get_by_role("link", name="闭环报表", exact=True).click()
    counts = [t.replace("\n", "").strip() for t in staff.locator(".counts li").all_inner_texts()]
    assert "1收到的需求" in counts and "1满意" in counts and "0不满意" in counts
    assert staff.locator("svg.chart").count() == 3
    assert staff.get_by_role("cell", name="已获得帮助").count() == 1
