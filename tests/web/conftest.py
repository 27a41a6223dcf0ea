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
