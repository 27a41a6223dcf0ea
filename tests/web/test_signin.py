"""Sign-in pages against the accounts service (in-process): codes, passwords, demo, renewal, sign-out."""
from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from services.accounts import users
from services.accounts.context import EXTENSION
from services.accounts.passwords import Hasher
from shared.timeutil import utcnow

from .conftest import csrf_of, sign_in_as

CHEAP = Hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def accounts_ctx(apps):
    context = apps["accounts"].extensions[EXTENSION]
    saved = (context.hasher, context.sleep)
    context.hasher, context.sleep = CHEAP, (lambda _s: None)
    yield context
    context.hasher, context.sleep = saved


@pytest.fixture
def staff_user(accounts_ctx):
    with accounts_ctx.db.transaction() as session:
        users.create_user(session, accounts_ctx.hasher, {"username": "li", "password": "correct horse 1",
                                                         "role": "staff", "union_id": "u-sip",
                                                         "display_name": "李明"}, utcnow())
    return {"username": "li", "password": "correct horse 1"}


def _post(c, path, data, page="/signin"):
    return c.post(path, data={**data, "csrf_token": csrf_of(c.get(page).get_data(as_text=True))})


def test_a_worker_signs_in_with_the_demo_code_shown_on_the_page(browser_client, demo_workers):
    phone, = demo_workers("13800000011")
    page = _post(browser_client, "/signin/code", {"phone": phone}).get_data(as_text=True)
    assert "演示" in page
    code = re.search(r'<strong class="code">(\d{6})</strong>', page).group(1)
    wrong = "000000" if code != "000000" else "111111"
    resp = browser_client.post("/signin/code/verify", data={"phone": phone, "code": wrong, "csrf_token": csrf_of(page)})
    assert resp.status_code == 401 and "验证码不对" in resp.get_data(as_text=True)
    assert 'id="f-code-err"' in resp.get_data(as_text=True)  # the message sits at the code field
    resp = browser_client.post("/signin/code/verify", data={"phone": phone, "code": code, "csrf_token": csrf_of(page),
                                                            "next": "/bookings"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/bookings"
    with browser_client.session_transaction() as sess:
        assert sess["user"]["role"] == "worker" and sess["token"]


def test_outside_the_demo_no_code_is_shown(browser_client):
    page = _post(browser_client, "/signin/code", {"phone": "13800000012"}).get_data(as_text=True)
    assert "验证码已发送到 13800000012" in page and 'class="code"' not in page
    assert "演示账号" not in browser_client.get("/signin").get_data(as_text=True)  # GET /accounts/demo is 404


def test_a_bad_number_is_shown_at_the_phone_field(browser_client):
    resp = _post(browser_client, "/signin/code", {"phone": "12345"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'aria-invalid="true"' in html
    assert re.search(r'id="f-phone-err">请输入11位中国大陆手机号', html)
    assert 'value="12345"' in html  # what was typed stays


def test_asking_again_within_a_minute_is_a_friendly_wait(browser_client):
    _post(browser_client, "/signin/code", {"phone": "13800000013"})
    resp = _post(browser_client, "/signin/code", {"phone": "13800000013"})
    assert resp.status_code == 429 and re.search(r"请 \d+ 秒后再试", resp.get_data(as_text=True))


def test_staff_sign_in_wrong_password_then_right_then_sign_out(browser_client, staff_user):
    resp = _post(browser_client, "/signin/password", {"username": "li", "password": "wrong password"})
    assert resp.status_code == 401 and "用户名或密码不对。" in resp.get_data(as_text=True)
    resp = _post(browser_client, "/signin/password", staff_user)
    assert resp.status_code == 302 and resp.headers["Location"] in ("/account", "/staff/")
    page = browser_client.get("/account").get_data(as_text=True)
    assert "李明" in page and "工会工作人员" in page and "修改密码" in page
    resp = browser_client.post("/signout", data={"csrf_token": csrf_of(page)})
    assert resp.status_code == 302 and browser_client.get("/account").status_code == 302


def test_staff_change_their_password_with_errors_at_the_fields(browser_client, staff_user):
    _post(browser_client, "/signin/password", staff_user)
    form = "/account/password"
    resp = _post(browser_client, form, {"current_password": "nope nope 1", "new_password": "a new long one",
                                        "new_password2": "a new long one"}, page=form)
    assert resp.status_code == 422 and re.search(r'id="f-current_password-err">当前密码不对', resp.get_data(as_text=True))
    resp = _post(browser_client, form, {"current_password": "correct horse 1", "new_password": "short",
                                        "new_password2": "different"}, page=form)
    assert resp.status_code == 422 and "两次输入的新密码不一样" in resp.get_data(as_text=True)
    resp = _post(browser_client, form, {"current_password": "correct horse 1", "new_password": "a new long one",
                                        "new_password2": "a new long one"}, page=form)
    assert resp.status_code == 302
    fresh = browser_client.application.test_client()
    assert _post(fresh, "/signin/password", {"username": "li", "password": "a new long one"}).status_code == 302


def test_the_demo_list_gives_one_click_sign_in(browser_client, demo_workers):
    phone, = demo_workers("13800000014")
    page = browser_client.get("/signin").get_data(as_text=True)
    assert "演示账号" in page and phone in page
    resp = browser_client.post("/signin/demo", data={"kind": "worker", "phone": phone, "csrf_token": csrf_of(page)})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    with browser_client.session_transaction() as sess:
        assert sess["user"]["role"] == "worker"


def test_a_session_past_half_its_life_is_renewed(browser_client, token):
    old = token("worker", "w-r1")
    sign_in_as(browser_client, old, "worker", "w-r1", hours=2, age=1.5 * 3600)
    browser_client.get("/offers")
    with browser_client.session_transaction() as sess:
        # the accounts service knows no worker w-r1: the refresh is refused, the session ends
        assert "token" not in sess


def test_a_renewal_replaces_the_token(browser_client, demo_workers):
    phone, = demo_workers("13800000015")
    page = _post(browser_client, "/signin/code", {"phone": phone}).get_data(as_text=True)
    code = re.search(r'<strong class="code">(\d{6})</strong>', page).group(1)
    browser_client.post("/signin/code/verify", data={"phone": phone, "code": code, "csrf_token": csrf_of(page)})
    with browser_client.session_transaction() as sess:
        sess["iat"] -= 3700  # past half of its two hours
        sess["exp"] -= 3700
        old_exp = sess["exp"]
    assert browser_client.get("/offers").status_code == 200
    with browser_client.session_transaction() as sess:  # a new two hours from now
        assert sess["exp"] > old_exp + 3000 and sess["exp"] - sess["iat"] >= 7000
