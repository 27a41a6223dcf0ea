"""Save every page at 390x844 (phone) and 1366x768 (desk) under docs/screenshots/.

Starts the all-in-one server (`services.cli serve`, demo data, a temporary DATA_DIR, a free port),
drives Debian's Chromium with Playwright, signs in with the demo's one-click sign-ins and walks
the pages. Add a page: a line in WORKER_PAGES (or a list of your own for another audience).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only worker]
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SIZES = [(390, 844), (1366, 768)]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DEMO_WORKER = "13900000001"  # services/demo/accounts.py: a SIP worker with recommendations


def shoot(page, out: Path, name: str, size) -> None:
    page.screenshot(path=str(out / f"{name}-{size[0]}x{size[1]}.png"), full_page=True)


def demo_sign_in(page, button_text: str) -> None:
    page.goto("/signin")
    page.locator("form", has=page.locator(f"input[value='{button_text}']")).get_by_role("button").click()


def anonymous_pages(page, out, size):
    page.goto("/signin")
    shoot(page, out, "signin", size)
    page.get_by_label("手机号", exact=True).fill("13812345678")
    page.get_by_role("button", name="获取验证码").click()
    shoot(page, out, "signin-code", size)
    page.goto("/signin")
    page.get_by_label("手机号", exact=True).fill("12345")
    page.get_by_role("button", name="获取验证码").click()
    shoot(page, out, "signin-phone-error", size)
    page.goto("/no/such/page")
    shoot(page, out, "error-404", size)


def worker_pages(page, out, size):
    demo_sign_in(page, DEMO_WORKER)
    shoot(page, out, "worker-home", size)
    page.goto("/offers?q=體檢")
    shoot(page, out, "worker-offers-search", size)
    page.goto("/")
    page.locator("main article h2 a").nth(0 if size == SIZES[0] else 1).click()  # recommended: eligible
    shoot(page, out, "worker-offer", size)
    buttons = page.locator(".session form button")
    if buttons.count():
        buttons.first.click()
        shoot(page, out, "worker-booking-qr", size)
    page.goto("/bookings")
    shoot(page, out, "worker-bookings", size)
    page.goto("/profile")
    shoot(page, out, "worker-profile", size)
    page.goto("/profile?edit=1")
    shoot(page, out, "worker-profile-edit", size)
    page.goto("/needs/new")
    page.get_by_label("你需要什么帮助？").fill("下班太晚，想找个晚上能上的电工培训班")
    page.get_by_role("button", name="提交").click()
    shoot(page, out, "worker-needs", size)
    page.locator("main a[href^='/needs/need']").first.click()  # the need's progress
    shoot(page, out, "worker-need-progress", size)
    page.goto("/offers/demo-housing-sip")  # the demo's ballot: the window and how the draw works
    shoot(page, out, "worker-offer-ballot", size)
    page.goto("/inbox")
    shoot(page, out, "worker-inbox", size)
    page.goto("/preferences")
    shoot(page, out, "worker-preferences", size)
    page.goto("/account/password")
    shoot(page, out, "error-403", size)
    page.goto("/signin")
    page.get_by_role("button", name="English").click()
    page.goto("/offers")
    shoot(page, out, "worker-offers-en", size)


AUDIENCES = {"anonymous": anonymous_pages, "worker": worker_pages}

from screenshots_staff import admin_pages, staff_pages  # noqa: E402  (scripts/ is on sys.path)

AUDIENCES.update(staff=lambda page, out, size: staff_pages(page, out, size, shoot, demo_sign_in),
                 admin=lambda page, out, size: admin_pages(page, out, size, shoot, demo_sign_in))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(PORT=str(port), DATA_DIR=data_dir, DEMO="1", JWT_SECRET=env.get("JWT_SECRET") or "s" * 40)
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            with urllib.request.urlopen(base + "/accounts/demo", timeout=2) as resp:
                if resp.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("the server did not start (or the demo did not load) within two minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", choices=sorted(AUDIENCES), action="append")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data_dir:
        proc, base = start_server(data_dir)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                for size in SIZES:
                    for name in args.only or AUDIENCES:
                        context = browser.new_context(base_url=base, locale="zh-CN",
                                                      viewport={"width": size[0], "height": size[1]})
                        context.set_default_timeout(20_000)
                        AUDIENCES[name](context.new_page(), out, size)
                        context.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"screenshots in {out}: {len(list(out.glob('*.png')))} files")


if __name__ == "__main__":
    main()
