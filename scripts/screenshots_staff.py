"""The staff and admin pages for `make screenshots` (scripts/screenshots.py adds them to its audiences).

Signs in with the demo's one-click sign-ins (staff of u-sip; the admin) and walks the staff pages:
home, offers, a new offer with errors at its fields, an offer with its sessions, a roster with a
wrong code, demand with its charts, unmet needs, an import's report, the problem list, needs to follow
up, the loop's report, the union's inbox, the union tree, the accounts.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

STAFF_USERNAME = "sip"  # services/demo/accounts.py: staff of 苏州工业园区总工会
ADMIN_USERNAME = "admin"
IMPORT_SAMPLE = ("worker_id,text,category,source,interview_point\n"
                 "demo-w-001,下班太晚，想找个晚上能上的电工培训班,,interview,斜塘服务站\n"
                 ",孩子放暑假没人带,,interview,斜塘服务站\n"
                 "demo-w-002,想做个免费体检,health,interview,\n")


def staff_pages(page, out: Path, size, shoot, demo_sign_in) -> None:
    demo_sign_in(page, STAFF_USERNAME)
    shoot(page, out, "staff-home", size)
    page.goto("/staff/offers")
    shoot(page, out, "staff-offers", size)
    page.goto("/staff/offers/new")
    page.get_by_label("最低年龄").fill("45")
    page.get_by_label("最高年龄").fill("35")
    page.get_by_role("button", name="保存草稿").click()
    shoot(page, out, "staff-offer-new-errors", size)
    page.goto("/staff/offers")
    page.locator("table.data tbody a").first.click()
    shoot(page, out, "staff-offer", size)
    roster = page.get_by_role("link", name="名单与签到")
    if roster.count():
        roster.first.click()
        page.get_by_label("报名码").fill("bkg_not_a_real_code")
        page.locator("form.code-form button[type=submit]").click()
        shoot(page, out, "staff-roster-code-error", size)
    page.goto("/staff/demand")
    shoot(page, out, "staff-demand", size)
    page.locator("table.data tbody a").first.click()
    shoot(page, out, "staff-demand-offer", size)
    page.goto("/staff/unmet")
    shoot(page, out, "staff-unmet", size)
    page.goto("/staff/imports")
    shoot(page, out, "staff-imports", size)
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "访谈记录.csv"
        sample.write_text(IMPORT_SAMPLE, encoding="utf-8")
        page.get_by_label("访谈记录文件").set_input_files(str(sample))
        page.get_by_role("button", name="上传并导入").click()
    shoot(page, out, "staff-import-report", size)
    page.goto("/staff/problems")
    shoot(page, out, "staff-problems", size)
    page.goto("/staff/needs")
    shoot(page, out, "staff-needs", size)
    page.goto("/staff/reports")
    shoot(page, out, "staff-reports", size)
    page.goto("/staff/inbox")
    shoot(page, out, "staff-inbox", size)


def admin_pages(page, out: Path, size, shoot, demo_sign_in) -> None:
    demo_sign_in(page, ADMIN_USERNAME)
    page.goto("/staff/unions")
    shoot(page, out, "admin-unions", size)
    page.goto("/staff/users")
    shoot(page, out, "admin-users", size)
