"""Web fixtures: the pages mounted on a dispatcher over the test apps (in-process API calls)."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest

from services.gateway import PrefixDispatcher
from services.web.config import WebConfig
from services.web.wsgi import mount

WEB_SECRET = "web-test-secret-0123456789abcdef0123"


@pytest.fixture(scope="session")
def site(apps):
    """The whole dispatcher: every service and, on every other path, the pages."""
    dispatcher = PrefixDispatcher(apps)
    mount(dispatcher, WebConfig(api_url=None, secret_key=WEB_SECRET))
    return dispatcher


@pytest.fixture(scope="session")
def web_app(site):
    return site.default


@pytest.fixture
def browser_client(web_app):
    """A Flask test client of the pages (cookies kept between requests)."""
    return web_app.test_client()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in_as(test_client, token: str, role: str, sub: str, union_id=None, hours: float = 2, age: float = 0):
    """Put a session in the cookie as the accounts service's answer would (for pages behind sign-in)."""
    now = time.time() - age
    with test_client.session_transaction() as sess:
        sess["token"] = token
        sess["iat"] = int(now)
        sess["exp"] = int(now + hours * 3600)
        sess["user"] = {"id": sub, "role": role, "union_id": union_id, "display_name": f"测试{role}",
                        "username": None}


def session_answer(token: str, sub: str, role: str = "worker", hours: float = 2) -> dict:
    expires = datetime.now(timezone.utc) + timedelta(hours=hours)
    return {"token": token, "expires_at": expires.isoformat(),
            "user": {"id": sub, "role": role, "union_id": None, "display_name": "测试", "username": None}}


# --- the whole dispatcher on a real port, and one Chromium for the session -----------------------

@pytest.fixture(scope="session")
def live_url(site):
    """The dispatcher (services + pages) served by werkzeug on a free local port, in a thread."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, site, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (never a downloaded browser). Missing: skip here, fail in CI."""
    import os
    import shutil

    path = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        sync_playwright = None
    if path is None or sync_playwright is None:
        message = "chromium (apt-get install chromium) or playwright is missing"
        if os.environ.get("CI"):
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_url):
    """Pages in fresh browser contexts (one per person), phone-sized, closed after the test."""
    contexts = []

    def make(width: int = 390, height: int = 844):
        context = chromium.new_context(base_url=live_url, viewport={"width": width, "height": height},
                                       locale="zh-CN")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def demo_workers(dbs):
    """Demo sign-ins for these numbers: accounts then shows the code on the page (演示), as in `make run`."""
    from services.accounts.models import DemoLogin

    def add(*phones: str) -> list[str]:
        with dbs["accounts"].transaction() as session:
            start = len(session.query(DemoLogin).all())
            for i, phone in enumerate(phones):
                session.add(DemoLogin(position=start + i + 1, kind="worker", label=f"演示职工{start + i + 1}",
                                      phone=phone))
        return list(phones)

    return add


def user_of(web_app, page) -> dict:
    """The signed-in user as the page's session cookie holds it (read with the app's own key)."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "unionhub_session")
    return web_app.session_interface.get_signing_serializer(web_app).loads(cookie)["user"]


def sign_in_with_code(page, phone: str) -> None:
    page.goto("/signin")
    page.get_by_label("手机号", exact=True).fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    code = page.locator(".demo-code .code").inner_text().strip()
    page.get_by_label("6位验证码", exact=True).fill(code)
    page.get_by_role("button", name="登录", exact=True).click()
