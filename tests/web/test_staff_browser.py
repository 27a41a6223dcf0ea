"""The staff pages in Chromium (Debian's, driven by Playwright) against the whole dispatcher on a real port."""
from __future__ import annotations

from datetime import timedelta

from openpyxl import load_workbook

from shared.timeutil import local_today
from tests.factories import make_need, make_profile, union_tree


def test_staff_signs_in_creates_and_publishes_an_offer_sees_demand_checks_in_by_code_and_exports(
        new_page, client, admin, token, pump, tmp_path):
    tree = union_tree(client, admin)
    resp = client.post("/accounts/users", {"username": "liming", "password": "园区工会-password", "role": "staff",
                                           "union_id": tree["sip"]["id"], "display_name": "李明"}, token=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    for i, category in enumerate(["ride_hailing_driver", "courier"]):
        make_profile(client, admin, f"w-b{i}", district="sip", worker_category=category)
        make_need(client, admin, f"w-b{i}", "想做个免费体检", category="health_checkup")
    pump()
    page = new_page(1366, 768)

    page.goto("/signin")
    page.get_by_label("用户名", exact=True).fill("liming")
    page.get_by_label("密码", exact=True).fill("园区工会-password")
    page.locator("form[action$='/signin/password'] button[type=submit]").click()
    assert page.locator("h1").inner_text() == "工作台"

    page.get_by_role("link", name="活动与签到").click()
    page.get_by_role("link", name="新建活动").click()
    page.get_by_label("标题").fill("网约车司机免费体检")
    page.get_by_label("地址").fill("星湖街1号")
    page.get_by_label("活动类型").select_option("health_checkup")
    page.get_by_label("所在区").select_option("sip")
    day = (local_today() + timedelta(days=4)).isoformat()
    page.get_by_label("开始时间").fill(f"{day}T09:00")
    page.get_by_label("结束时间").fill(f"{day}T12:00")
    page.get_by_label("名额", exact=True).fill("30")
    page.get_by_role("button", name="保存草稿").click()
    assert "草稿已保存" in page.locator(".flash").inner_text()
    page.get_by_role("button", name="发布").click()
    assert "已发布" in page.locator(".flash").inner_text()
    offer_url = page.url
    pump()

    page.get_by_role("link", name="需求分析", exact=True).last.click()
    assert page.locator("svg.chart").count() == 2
    assert page.locator("li.gap strong").inner_text() == "2"  # two matched workers, none booked yet
    assert page.get_by_role("cell", name="苏州工业园区").count() == 1

    booking = client.post("/booking/bookings", {"session_id": _session_id(client, offer_url)},
                          token=token("worker", "w-b0")).get_json()
    assert booking["status"] == "confirmed"
    page.goto(offer_url)
    page.get_by_role("link", name="名单与签到").click()
    page.get_by_label("报名码").fill(booking["id"])
    page.locator("form.code-form button[type=submit]").click()
    assert f"已签到：{booking['id']}" in page.locator(".flash").inner_text()
    assert page.locator(".status-attended").count() == 1

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.startswith("名单-网约车司机免费体检-") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "roster.xlsx"
    download.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "报名码", "职工编号", "状态")
    assert [r[1:4] for r in rows[1:]] == [(booking["id"], "w-b0", "已签到")]


def _session_id(client, offer_url: str) -> str:
    offer_id = offer_url.rstrip("/").rsplit("/", 1)[1]
    return client.get(f"/catalog/offers/{offer_id}").get_json()["sessions"][0]["id"]


SCANNER_STUB = """
(() => {
  const code = %s;
  window.BarcodeDetector = class {
    static async getSupportedFormats() { return ["qr_code"]; }
    async detect() { return [{rawValue: code, format: "qr_code"}]; }
  };
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const paint = canvas.getContext("2d");
  setInterval(() => { paint.fillStyle = paint.fillStyle === "#000000" ? "#ffffff" : "#000000"; paint.fillRect(0, 0, 64, 64); }, 40);
  navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(25);
})();
"""


def test_the_camera_scan_fills_and_submits_the_code_form_and_without_it_the_button_stays_hidden(
        new_page, client, admin, token, pump):
    tree = union_tree(client, admin)
    staff = token("staff", "s-scan", tree["sip"]["id"])
    from tests.factories import make_offer

    offer = make_offer(client, staff, tree["sip"]["id"], title="扫码签到测试")
    pump()
    make_profile(client, admin, "w-scan", district="sip")
    pump()
    session_id = offer["sessions"][0]["id"]
    booking = client.post("/booking/bookings", {"session_id": session_id}, token=token("worker", "w-scan")).get_json()
    client.post("/accounts/users", {"username": "scanner", "password": "scanner-password-1", "role": "staff",
                                    "union_id": tree["sip"]["id"], "display_name": "扫码员"}, token=admin)
    roster = f"/staff/offers/{offer['id']}/sessions/{session_id}"

    plain = new_page(1366, 768)
    _sign_in(plain, "scanner", "scanner-password-1")
    plain.goto(roster)
    if not plain.evaluate("'BarcodeDetector' in window"):
        assert plain.locator("[data-scan-start]").is_hidden()  # no detector: only the typed form

    page = new_page(390, 844)
    page.context.add_init_script(SCANNER_STUB % ('"' + booking["id"] + '"'))
    _sign_in(page, "scanner", "scanner-password-1")
    page.goto(roster)
    page.get_by_role("button", name="用摄像头扫码").click()
    page.wait_for_url("**" + roster + "*")
    page.wait_for_selector(".flash")
    assert f"已签到：{booking['id']}" in page.locator(".flash").inner_text()
    assert client.get(f"/booking/bookings/{booking['id']}", token=staff).get_json()["status"] == "attended"


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/signin")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.locator("form[action$='/signin/password'] button[type=submit]").click()
    page.wait_for_selector("h1")
