"""The pages' foundation: CSRF, cookie flags, sign-in redirects, error pages, the API being down."""
from __future__ import annotations

import httpx
import pytest

from services.web.app import create_app
from services.web.auth import safe_next
from services.web.client import ApiError
from services.web.config import WebConfig
from services.web.messages import field_messages, message_for

from .conftest import WEB_SECRET, csrf_of, sign_in_as


def test_signin_page_is_chinese_with_labels_and_a_csrf_token(browser_client):
    resp = browser_client.get("/signin")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert '<label for="f-phone">手机号</label>' in html and '<label for="f-password">密码</label>' in html
    assert csrf_of(html)
    assert "cdn" not in html.lower() and "https://" not in html


def test_a_form_without_its_csrf_token_is_refused_with_a_friendly_page(browser_client):
    resp = browser_client.post("/signin/password", data={"username": "li", "password": "x" * 12})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "表单已失效" in html and "Traceback" not in html


def test_session_cookie_is_httponly_lax_and_secure_over_tls(web_app):
    plain = web_app.test_client().get("/signin").headers["Set-Cookie"]
    assert plain.startswith("unionhub_session=")
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    tls = web_app.test_client().get("/signin", base_url="https://localhost").headers["Set-Cookie"]
    assert "HttpOnly" in tls and "SameSite=Lax" in tls and "Secure" in tls


def test_pages_behind_sign_in_send_to_sign_in_and_come_back(browser_client):
    resp = browser_client.get("/bookings")
    assert resp.status_code == 302 and resp.headers["Location"] == "/signin?next=/bookings"
    assert browser_client.get("/").headers["Location"] == "/signin"


def test_a_worker_gets_a_friendly_403_on_a_staff_page(browser_client, token):
    sign_in_as(browser_client, token("worker", "w-c2"), "worker", "w-c2")
    resp = browser_client.get("/account/password")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 403 and "没有权限" in html and "Traceback" not in html


def test_an_expired_session_sends_to_sign_in_with_a_message(browser_client, token):
    sign_in_as(browser_client, token("worker", "w-c3"), "worker", "w-c3", hours=1, age=2 * 3600)
    resp = browser_client.get("/bookings")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/signin")
    html = browser_client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "登录已过期，请重新登录。" in html and "请先登录" not in html


def test_an_unknown_page_is_a_friendly_404(browser_client):
    resp = browser_client.get("/no/such/page")
    assert resp.status_code == 404 and "没有找到" in resp.get_data(as_text=True)


def test_an_api_client_on_a_path_no_service_owns_gets_problem_json(browser_client):
    resp = browser_client.get("/nowhere", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["type"] == "not-found"


def test_a_token_the_api_refuses_ends_the_session(browser_client):
    sign_in_as(browser_client, "not.a.token", "worker", "w-c5")
    resp = browser_client.get("/bookings")
    assert resp.status_code == 302 and resp.headers["Location"] == "/signin?next=/bookings"
    assert "登录已过期" in browser_client.get(resp.headers["Location"]).get_data(as_text=True)
    with browser_client.session_transaction() as sess:
        assert "token" not in sess


def test_another_workers_booking_is_a_404_page(browser_client, token):
    sign_in_as(browser_client, token("worker", "w-c4"), "worker", "w-c4")
    resp = browser_client.get("/bookings/bkg_not_mine")
    assert resp.status_code == 404 and "没有找到" in resp.get_data(as_text=True)


def test_the_api_being_down_is_a_friendly_503_page():
    def down(request):
        raise httpx.ConnectError("refused", request=request)

    app = create_app(WebConfig(api_url=None, secret_key=WEB_SECRET), transport=httpx.MockTransport(down))
    client = app.test_client()
    resp = client.get("/offers")
    assert resp.status_code == 503 and resp.headers["Retry-After"]
    assert "暂时无法使用" in resp.get_data(as_text=True)
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_an_unexpected_error_is_a_friendly_500_page():
    app = create_app(WebConfig(api_url=None, secret_key=WEB_SECRET),
                     transport=httpx.MockTransport(lambda r: httpx.Response(200, text="not json")))
    resp = app.test_client().get("/offers")
    assert resp.status_code == 500 and "出了点问题" in resp.get_data(as_text=True)


@pytest.mark.parametrize("target, ok", [("/bookings", True), ("/offers?q=x", True), ("//evil.example/x", False),
                                         ("https://evil.example/", False), ("/\\evil", False), (None, False)])
def test_next_is_only_ever_a_local_path(target, ok):
    assert (safe_next(target) == target and target is not None and target != "") is ok


def test_error_mapping_by_slug_status_and_field(web_app):
    with web_app.test_request_context():
        assert message_for(ApiError(409, "full")) == "这一场已经满了，也不设候补名单。"
        assert message_for(ApiError(409, "something-new")) == "操作和当前状态冲突，请刷新页面后再试。"
        assert message_for(ApiError(418, "teapot")) == "出了点问题，请稍后再试。"
        assert "15 分钟" in message_for(ApiError(429, "rate-limited", retry_after=900))
        assert message_for(ApiError(422, "not-eligible", body={"failed_rules": ["min_age", "max_age", "districts"]})) \
            == "很抱歉，你不符合这个项目的报名条件（年龄、所在区不符）。"
        assert "3 次" in message_for(ApiError(401, "invalid-code", "Wrong code; 3 tries left."))
        err = ApiError(422, "validation-error", errors={"phone": ["Not a mobile number."],
                                                       "birth_date": ["Not a valid date."],
                                                       "sessions.0.capacity": ["Must be at least 1."]})
        assert field_messages(err) == {"phone": "请输入11位中国大陆手机号，例如 13812345678。",
                                       "birth_date": "日期格式不对，请按 年-月-日 填写。",
                                       "sessions": "这一项填写得不对。"}
