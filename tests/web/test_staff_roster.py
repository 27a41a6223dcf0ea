"""Staff pages: a session's roster, check-in (row, typed code), exports to Excel and CSV."""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tests.factories import make_offer, make_profile, union_tree

from .conftest import csrf_of, sign_in_as


@pytest.fixture
def booked(client, admin, token, pump):
    tree = union_tree(client, admin)
    staff = token("staff", "s-sip", tree["sip"]["id"])
    offer = make_offer(client, staff, tree["ent"]["id"], title="网约车司机免费体检",
                       sessions=[{"starts_at": _iso(3), "ends_at": _iso(3, 4), "capacity": 2}])
    pump()
    session_id = offer["sessions"][0]["id"]
    bookings = []
    for i in range(3):
        worker = f"w-r{i}"
        make_profile(client, admin, worker)
        pump()
        resp = client.post("/booking/bookings", {"session_id": session_id}, token=token("worker", worker))
        assert resp.status_code == 201, resp.get_data(as_text=True)
        bookings.append(resp.get_json())
    return {"tree": tree, "staff": staff, "offer": offer, "session_id": session_id, "bookings": bookings,
            "url": f"/staff/offers/{offer['id']}/sessions/{session_id}"}


def _iso(days, hours=0):
    from tests.factories import iso

    return iso(days, hours)


def as_staff(browser_client, booked, union="sip", sub="s-sip", tok=None):
    sign_in_as(browser_client, tok or booked["staff"], "staff", sub, union_id=booked["tree"][union]["id"])


def test_the_roster_lists_bookings_with_a_check_in_button_per_confirmed_row(browser_client, booked):
    as_staff(browser_client, booked)
    html = browser_client.get(booked["url"]).get_data(as_text=True)
    first, second, third = booked["bookings"]
    assert first["status"] == "confirmed" and third["status"] == "waitlisted"
    for b in booked["bookings"]:
        assert f"<code>{b['id']}</code>" in html
    assert html.count('name="booking_id"') == 2  # the two confirmed ones
    assert "候补中" in html and '<label for="f-code">报名码</label>' in html
    assert 'src="/static/staff_scan.js"' in html


def test_check_in_from_the_list(browser_client, client, booked):
    as_staff(browser_client, booked)
    html = browser_client.get(booked["url"]).get_data(as_text=True)
    target = booked["bookings"][0]["id"]
    resp = browser_client.post(booked["url"] + "/check-in", data={"csrf_token": csrf_of(html), "booking_id": target})
    assert resp.status_code == 302
    assert client.get(f"/booking/bookings/{target}", token=booked["staff"]).get_json()["status"] == "attended"
    page = browser_client.get(booked["url"]).get_data(as_text=True)
    assert f"已签到：{target}" in page and page.count('name="booking_id"') == 1


def test_check_in_by_typing_the_code_and_its_refusals(browser_client, client, admin, booked):
    as_staff(browser_client, booked)
    html = browser_client.get(booked["url"]).get_data(as_text=True)
    token = csrf_of(html)
    url = booked["url"] + "/check-in"
    confirmed, _, waitlisted = booked["bookings"]

    for code, message in [("", "请输入报名码"), ("no such code!", "报名码只包含字母、数字和连字符"),
                          ("bkg_doesnotexist", "没有找到这个报名码"),
                          (waitlisted["id"], "这个报名的状态是“候补中”，只有已报名的才能签到")]:
        resp = browser_client.post(url, data={"csrf_token": token, "code": code})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 422, code
        assert message in page and 'id="f-code-err"' in page and 'aria-invalid="true"' in page

    resp = browser_client.post(url, data={"csrf_token": token, "code": f"  {confirmed['id']} "})
    assert resp.status_code == 302
    assert client.get(f"/booking/bookings/{confirmed['id']}", token=admin).get_json()["status"] == "attended"
    resp = browser_client.post(url, data={"csrf_token": token, "code": confirmed["id"]})
    assert resp.status_code == 422 and "已经签到过了" in resp.get_data(as_text=True)


def test_a_code_of_another_session_is_not_checked_in_here(browser_client, client, token, pump, booked):
    other = make_offer(client, booked["staff"], booked["tree"]["sip"]["id"], title="另一场")
    pump()
    resp = client.post("/booking/bookings", {"session_id": other["sessions"][0]["id"]}, token=token("worker", "w-r0"))
    elsewhere = resp.get_json()["id"]
    as_staff(browser_client, booked)
    html = browser_client.get(booked["url"]).get_data(as_text=True)
    resp = browser_client.post(booked["url"] + "/check-in", data={"csrf_token": csrf_of(html), "code": elsewhere})
    assert resp.status_code == 422 and "不是这一场的报名" in resp.get_data(as_text=True)
    assert client.get(f"/booking/bookings/{elsewhere}", token=booked["staff"]).get_json()["status"] == "confirmed"


def test_staff_of_another_union_get_a_page_saying_so(browser_client, token, booked):
    gusu = token("staff", "s-gusu", booked["tree"]["gusu"]["id"])
    as_staff(browser_client, booked, union="gusu", sub="s-gusu", tok=gusu)
    resp = browser_client.get(booked["url"])  # the published offer is public; its roster is not theirs
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403 and "这是其他工会的内容" in html and "只对工会工作人员开放" not in html
    assert booked["bookings"][0]["id"] not in html
    assert browser_client.get(booked["url"] + "/export?format=xlsx").status_code == 403


def test_a_session_of_another_offer_is_a_404(browser_client, client, booked):
    other = make_offer(client, booked["staff"], booked["tree"]["sip"]["id"], title="另一场")
    as_staff(browser_client, booked)
    resp = browser_client.get(f"/staff/offers/{booked['offer']['id']}/sessions/{other['sessions'][0]['id']}")
    assert resp.status_code == 404


def test_roster_to_excel_with_a_chinese_header_and_filename(browser_client, booked):
    as_staff(browser_client, booked)
    resp = browser_client.get(booked["url"] + "/export?format=xlsx")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"") and "filename*=UTF-8''" in disposition
    name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert name.startswith("名单-网约车司机免费体检-") and name.endswith(".xlsx")
    assert disposition.split('filename="')[1].split('"')[0].isascii()
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "报名码", "职工编号", "状态", "候补位次", "报名时间", "更新时间")
    assert [r[1] for r in rows[1:]] == [b["id"] for b in booked["bookings"]]
    assert [r[3] for r in rows[1:]] == ["已报名", "已报名", "候补中"]


def test_roster_to_csv_opens_in_excel_with_chinese(browser_client, booked):
    as_staff(browser_client, booked)
    resp = browser_client.get(booked["url"] + "/export?format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "报名码", "职工编号", "状态"] and len(rows) == 4
    assert browser_client.get(booked["url"] + "/export?format=pdf").status_code == 400


def test_a_cell_that_looks_like_a_formula_stays_text():
    from services.web.staff_exports import csv_bytes, xlsx_bytes

    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a"], [["=HYPERLINK(\"x\")"]]))).active
    assert sheet["A2"].value == "'=HYPERLINK(\"x\")" and sheet["A2"].data_type == "s"
    assert b"'=1+1" in csv_bytes(["a"], [["=1+1"]])
